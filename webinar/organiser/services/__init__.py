"""Changes the organiser area makes, each in one transaction, free of requests and flashes."""
