"""Small helpers for words: counted nouns, and the form of an address used to compare it."""

from __future__ import annotations


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """Return the count with its noun: "1 email", "3 emails", "2 people"."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count} {noun}"


def normalise_email(email: str) -> str:
    """Return an address trimmed and in lower case, the form used to compare addresses."""
    return email.strip().lower()
