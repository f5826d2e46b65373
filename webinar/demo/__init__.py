"""Demo talks for a newcomer's first `make run`."""


def load_demo() -> int:
    """Load the demo talks; return how many events were created."""
    return 0
