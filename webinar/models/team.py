"""Who works on a talk besides its owner: editors and viewers."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..languages import lazy_gettext as _l
from .organiser import Organiser

# The roles as the pages name them.
ROLE_LABELS = {"owner": _l("Owner"), "editor": _l("Editor"), "viewer": _l("Viewer")}

class TalkRole(StrEnum):
    """A person's role on a talk; the owner is Event.owner_id, the others are EventRole rows."""

    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        """Return the role as the pages name it, in the reader's language."""
        return str(ROLE_LABELS[self.value])


# The roles an EventRole row may hold: ownership lives on the event itself.
TEAM_ROLES = (TalkRole.EDITOR, TalkRole.VIEWER)


class EventRole(db.Model):
    """An organiser's role on one talk: one row per talk and person."""

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))

    organiser: Mapped[Organiser] = relationship()

    def __repr__(self) -> str:
        return f"<EventRole {self.role} of {self.organiser_id} on {self.event_id}>"
