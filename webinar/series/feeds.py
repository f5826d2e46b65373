"""What the Atom feed of a series needs besides its talks: stable ids, its time, clean text."""

import re
from datetime import datetime

from ..calendar import public_domain
from ..models import Event, Series

# Characters XML 1.0 forbids even when escaped: most C0 controls, surrogates, U+FFFE/F.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def tag_uri(row: Event | Series) -> str:
    """Return a tag URI (RFC 4151) for a feed or an entry: it never changes with a slug or title."""
    kind = "event" if isinstance(row, Event) else "series"
    return f"tag:{public_domain()},{row.created_at:%Y-%m-%d}:{kind}-{row.id}"


def last_change(series: Series, talks: list[Event]) -> datetime:
    """Return when the feed last changed: the series or one of its talks."""
    return max([series.updated_at, *(talk.updated_at for talk in talks)])


def xml_text(text: str | None) -> str:
    """Return text without the characters an XML document may not hold."""
    return NOT_XML.sub("", text or "")
