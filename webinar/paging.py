"""Numbers read from a query string, kept inside what a list and the database can hold.

SQLite and PostgreSQL refuse an integer past 2**63 - 1 with an error, so a
page number such as 10**20 would turn into an OFFSET that fails the request.
Every number a page reads from its query string goes through here.
"""

from collections.abc import Mapping

# A million pages is far beyond any real list, and its OFFSET far inside 2**63.
MAX_PAGE = 1_000_000
# No whole number in range has more characters than this ("-" and digits).
MAX_DIGITS = 20


def bounded_number(text: str | None, low: int, high: int) -> int | None:
    """Return text as a whole number from low to high, or None when it is not one."""
    if text is None or len(text) > MAX_DIGITS:
        return None
    try:
        number = int(text)
    except ValueError:
        return None
    return number if low <= number <= high else None


def page_number(args: Mapping[str, str]) -> int | None:
    """Return the page number args ask for (1 when none), or None when no such page can be."""
    return bounded_number(args.get("page", "1"), 1, MAX_PAGE)
