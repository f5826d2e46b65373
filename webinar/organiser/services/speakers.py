"""The speakers of a talk: add, change, remove and reorder them, one commit each."""

from ...extensions import db
from ...models import Event, Speaker


def renumber(event: Event) -> list[Speaker]:
    """Give the event's speakers positions 0, 1, 2, ... in their current order."""
    speakers = sorted(event.speakers, key=lambda speaker: (speaker.position, speaker.id))
    for position, speaker in enumerate(speakers):
        speaker.position = position
    return speakers


def _fill(speaker: Speaker, name: str, role: str | None, organisation: str | None) -> None:
    speaker.name = name.strip()
    speaker.role = (role or "").strip()
    speaker.organisation = (organisation or "").strip()


def add_speaker(event: Event, name: str, role: str | None, organisation: str | None) -> Speaker:
    """Add a speaker at the end of the talk's list; commit."""
    speaker = Speaker(position=len(renumber(event)))
    _fill(speaker, name, role, organisation)
    event.speakers.append(speaker)
    db.session.commit()
    return speaker


def update_speaker(
    speaker: Speaker, name: str, role: str | None, organisation: str | None
) -> None:
    """Change a speaker's name, role and organisation; commit."""
    _fill(speaker, name, role, organisation)
    db.session.commit()


def remove_speaker(event: Event, speaker: Speaker) -> None:
    """Remove a speaker from the talk, closing the gap in the order; commit."""
    event.speakers.remove(speaker)
    renumber(event)
    db.session.commit()


def shift_speaker(event: Event, speaker: Speaker, up: bool) -> None:
    """Move a speaker one place up or down the list (no further than its ends); commit."""
    speakers = renumber(event)
    other = speaker.position + (-1 if up else 1)
    if 0 <= other < len(speakers):
        speakers[other].position, speaker.position = speaker.position, other
    db.session.commit()
