"""Who is on a talk's team, for its Team page and its overview."""

from __future__ import annotations

from dataclasses import dataclass

from ...extensions import db
from ...models import Event, EventRole, Organiser, TalkRole


@dataclass(frozen=True)
class Member:
    """A person on a talk's team and their role."""

    organiser: Organiser
    role: TalkRole


def team_of(event: Event) -> list[Member]:
    """Return the talk's owner, then its editors and viewers, each by name."""
    rows = db.session.execute(
        db.select(Organiser, EventRole.role)
        .join(EventRole, EventRole.organiser_id == Organiser.id)
        .where(EventRole.event_id == event.id)
        .order_by(EventRole.role, Organiser.name, Organiser.id)
    )
    members = [Member(organiser, TalkRole(role)) for organiser, role in rows]
    if event.owner is not None:
        members.insert(0, Member(event.owner, TalkRole.OWNER))
    return members
