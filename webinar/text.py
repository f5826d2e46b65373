"""Small pieces of wording and text cleaning shared by pages, emails and calendar files."""

from __future__ import annotations

import re

# Any control character, line breaks included: none belongs in one-line text
# (a line break would end a line of a calendar file or an email header early).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# In long text, line breaks and tabs belong; other control characters do not.
TEXT_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """Return a count with its noun: '1 person', '3 people', '2 emails'."""
    word = singular if count == 1 else (plural or f"{singular}s")
    return f"{count} {word}"


def is_or_are(count: int) -> str:
    """Return the verb that agrees with a count: 'is' for one, 'are' for any other."""
    return "is" if count == 1 else "are"


def one_line(text: str | None, limit: int = 300) -> str:
    """Return text on one line, without control characters, at most `limit` long."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text or "").split())[:limit]


def normalise_email(email: str) -> str:
    """Return an address trimmed and in lower case, the form used to compare addresses."""
    return email.strip().lower()
