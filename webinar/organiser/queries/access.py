"""Who may do what to which talk: the roles table, and the parts of a talk an action is about.

An organiser's role on a talk is owner (Event.owner_id), editor or viewer
(an EventRole row); administrators act as owners on every talk. ALLOWED
says what each role may do, and every organiser page, button and service
caller asks it through may() or get_event_or_404(): this is the one place
the rule lives.
"""

from __future__ import annotations

from enum import StrEnum

from flask import abort, g, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, true
from werkzeug.exceptions import Forbidden

from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import Event, EventRole, Material, Organiser, Registration, Speaker, TalkRole


class Permission(StrEnum):
    """What an organiser may do to a talk."""

    # The overview, the attendee list, the figures, the CSV export, who is on the team.
    SEE = "see"
    # Start a new talk of their own from it (the copy has no roles of the original).
    COPY = "copy"
    # Change the talk, its speakers, materials and status; write to registrants;
    # cancel, promote, resend or erase a registration; retry failed emails.
    EDIT = "edit"
    # Read the talk's audit log.
    SEE_LOG = "see_log"
    # Give, change and remove roles; transfer the ownership.
    MANAGE_TEAM = "manage_team"
    # Delete the talk (only while nobody registered).
    DELETE = "delete"


ALLOWED: dict[TalkRole, frozenset[Permission]] = {
    TalkRole.VIEWER: frozenset({Permission.SEE, Permission.COPY}),
    TalkRole.EDITOR: frozenset({Permission.SEE, Permission.COPY, Permission.EDIT,
                                Permission.SEE_LOG}),  # fmt: skip
    TalkRole.OWNER: frozenset(Permission),
}

# What a role too low is told, with the way to more.
REFUSED = (
    _l("You are {role} of this talk, and {roles} cannot do this. "
    "The talk's owner or an administrator can change your role on its Team page.")
)


class RoleTooLow(Forbidden):
    """An organiser on the talk's team asked for something their role does not allow."""

    def __init__(self, role: TalkRole, event: Event):
        self.page_message = REFUSED.format(role=role.with_article, roles=f"{role.value}s")
        self.page_link = (url_for("organiser.event", event_id=event.id), _("Back to the talk"))
        super().__init__(self.page_message)


def managed_by(organiser: Organiser) -> ColumnElement[bool]:
    """Return the SQL condition on Event that holds when this organiser has any role on it."""
    if organiser.is_admin:
        return true()
    on_team = db.select(EventRole.event_id).where(EventRole.organiser_id == organiser.id)
    return (Event.owner_id == organiser.id) | Event.id.in_(on_team)


def managed_events(organiser: Organiser) -> Select:
    """Return a query of the events on which this organiser has a role."""
    return db.select(Event).where(managed_by(organiser))


def roles_on(organiser: Organiser, events: list[Event]) -> dict[int, TalkRole | None]:
    """Return {event id: this organiser's role on it, None for none}, in one query at most.

    Within a request the answers are kept, so the buttons of a page ask the
    database once; forget_roles() drops them after a change of team.
    """
    known = _known_roles(organiser)
    missing = [event for event in events if event.id not in known]
    if missing:
        rows = db.session.execute(
            db.select(EventRole.event_id, EventRole.role).where(
                EventRole.organiser_id == organiser.id,
                EventRole.event_id.in_([event.id for event in missing]),
            )
        )
        stored = {event_id: TalkRole(role) for event_id, role in rows}
        for event in missing:
            owns = organiser.is_admin or event.owner_id == organiser.id
            known[event.id] = TalkRole.OWNER if owns else stored.get(event.id)
    return {event.id: known[event.id] for event in events}


def role_of(organiser: Organiser, event: Event) -> TalkRole | None:
    """Return the organiser's role on the talk (administrators: owner), or None."""
    return roles_on(organiser, [event])[event.id]


def may(organiser: Organiser, event: Event, permission: Permission | str) -> bool:
    """Say whether the organiser may do this to the talk."""
    role = role_of(organiser, event)
    return role is not None and Permission(permission) in ALLOWED[role]


def forget_roles() -> None:
    """Drop the roles kept for this request: the team just changed."""
    if has_request_context():
        g.pop("talk_roles", None)


def _known_roles(organiser: Organiser) -> dict[int, TalkRole | None]:
    if not has_request_context():
        return {}
    kept = g.setdefault("talk_roles", {})
    return kept.setdefault(organiser.id, {})


def get_event_or_404(organiser: Organiser, event_id: int, permission: Permission) -> Event:
    """Return the talk if the organiser may do this to it.

    Without any role on it the talk does not exist for them (404); with a
    role too low they are told so (403).
    """
    event = db.get_or_404(Event, event_id)
    role = role_of(organiser, event)
    if role is None:
        abort(404)
    if permission not in ALLOWED[role]:
        raise RoleTooLow(role, event)
    return event


def get_registration_or_404(event: Event, registration_id: int) -> Registration:
    """Return a registration of this event, or answer 404."""
    return db.one_or_404(
        db.select(Registration).where(
            Registration.id == registration_id, Registration.event_id == event.id
        )
    )


def get_speaker_or_404(event: Event, speaker_id: int) -> Speaker:
    """Return a speaker of this event, or answer 404."""
    return db.one_or_404(
        db.select(Speaker).where(Speaker.id == speaker_id, Speaker.event_id == event.id)
    )


def get_material_or_404(event: Event, material_id: int) -> Material:
    """Return a material of this event, or answer 404."""
    return db.one_or_404(
        db.select(Material).where(Material.id == material_id, Material.event_id == event.id)
    )
