"""The organiser pages: parse the request, call a query or a service, then render or redirect."""
