"""Changes the organiser area makes, each in one transaction, with no flash messages or forms."""
