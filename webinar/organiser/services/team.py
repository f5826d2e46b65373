"""A talk's team: giving, changing and removing roles, and transferring the ownership.

Who may call these is decided by the roles table (queries/access.py); the
rules here are about the team itself: one role per person, the owner is not
a member and cannot be removed, only existing organisers can join. Each
change writes one audit entry and commits.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ... import audit
from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import AuditAction, Event, EventRole, Organiser, TalkRole
from ...models.team import TEAM_ROLES
from ..queries.access import forget_roles
from .accounts import find_organiser

UNKNOWN_ADDRESS = _l("No organiser account uses this address; an administrator can invite them.")


OWNS_ALREADY = _l("%(name)s owns this talk already.")
# A person's role on a talk, in whole sentences.
NOW_ROLE = {
    TalkRole.OWNER: _l("%(name)s is now the owner of this talk."),
    TalkRole.EDITOR: _l("%(name)s is now an editor of this talk."),
    TalkRole.VIEWER: _l("%(name)s is now a viewer of this talk."),
}
# Only editors and viewers are members of a talk's team (its owner is the talk's own).
ALREADY_ON_TEAM = {
    TalkRole.EDITOR: _l("%(name)s is already an editor of this talk: change the role in the "
                        "list instead."),
    TalkRole.VIEWER: _l("%(name)s is already a viewer of this talk: change the role in the "
                        "list instead."),
}
# The role someone is given again, on a talk or a series.
ALREADY_ROLE = {
    TalkRole.OWNER: _l("%(name)s is already an owner."),
    TalkRole.EDITOR: _l("%(name)s is already an editor."),
    TalkRole.VIEWER: _l("%(name)s is already a viewer."),
}


def now_role_message(name: str, role: TalkRole) -> str:
    """Return the sentence that says someone now has this role on the talk."""
    return said(NOW_ROLE[role], name)


def said(sentence, name: str) -> str:
    """Return one of the sentences above about someone, in the reader's language."""
    return str(sentence) % {"name": name}


class TeamError(ValueError):
    """A change to a talk's team that cannot be made; the message says why."""


def add_member(event: Event, email: str, role: str) -> tuple[Organiser, TalkRole]:
    """Give an existing organiser a role on the talk; commit; return them and the role."""
    role = _team_role(role)
    organiser = _organiser_at(email)
    if organiser.id == event.owner_id:
        raise TeamError(said(OWNS_ALREADY, organiser.name))
    held = db.session.get(EventRole, (event.id, organiser.id))
    if held is not None:
        raise TeamError(said(ALREADY_ON_TEAM[TalkRole(held.role)], organiser.name))
    db.session.add(EventRole(event_id=event.id, organiser_id=organiser.id, role=role))
    audit.record(AuditAction.ROLE_GIVEN, event=event, details=f"{organiser.email} as {role}")
    try:
        db.session.commit()
    except IntegrityError as error:  # added by someone else a moment ago
        db.session.rollback()
        on_team = _("%(name)s is already on this talk's team.", name=organiser.name)
        raise TeamError(on_team) from error
    forget_roles()
    return organiser, role


def change_role(event: Event, organiser_id: int, role: str) -> tuple[Organiser, TalkRole]:
    """Give a member of the team another role; commit; return them and the new role."""
    role = _team_role(role)
    member = _member(event, organiser_id)
    if member.role == role:
        raise TeamError(said(ALREADY_ROLE[role], member.organiser.name))
    details = f"{member.organiser.email}: {member.role} -> {role}"
    member.role = role
    audit.record(AuditAction.ROLE_CHANGED, event=event, details=details)
    db.session.commit()
    forget_roles()
    return member.organiser, role


def remove_member(event: Event, organiser_id: int) -> Organiser:
    """Take a member off the talk's team; commit; return them. The owner cannot be removed."""
    member = _member(event, organiser_id)
    organiser = member.organiser
    db.session.delete(member)
    audit.record(AuditAction.ROLE_REMOVED, event=event,
                 details=f"{organiser.email} (was {member.role})")  # fmt: skip
    db.session.commit()
    forget_roles()
    return organiser


def transfer_ownership(event: Event, email: str) -> Organiser:
    """Make another organiser the talk's owner; the old owner becomes an editor; commit."""
    new_owner = _organiser_at(email)
    if new_owner.id == event.owner_id:
        raise TeamError(said(OWNS_ALREADY, new_owner.name))
    old_owner = event.owner
    held = db.session.get(EventRole, (event.id, new_owner.id))
    if held is not None:
        db.session.delete(held)
    details = f"to {new_owner.email}"
    if old_owner is not None:
        db.session.add(EventRole(event_id=event.id, organiser_id=old_owner.id,
                                 role=TalkRole.EDITOR))  # fmt: skip
        details += f"; {old_owner.email} is now an editor"
    event.owner_id = new_owner.id
    audit.record(AuditAction.OWNERSHIP_TRANSFERRED, event=event, details=details)
    db.session.commit()
    db.session.refresh(event)
    forget_roles()
    return new_owner


def _team_role(value: str) -> TalkRole:
    if value not in TEAM_ROLES:
        raise TeamError(_("Choose editor or viewer."))
    return TalkRole(value)


def _organiser_at(email: str) -> Organiser:
    organiser = find_organiser(email or "")
    if organiser is None:
        raise TeamError(UNKNOWN_ADDRESS)
    return organiser


def _member(event: Event, organiser_id: int) -> EventRole:
    if organiser_id == event.owner_id:
        raise TeamError(_("The owner cannot be removed or given another role: "
                        "transfer the ownership first."))  # fmt: skip
    member = db.session.get(EventRole, (event.id, organiser_id))
    if member is None:
        raise TeamError(_("This person is not on the talk's team any more."))
    return member
