"""Who may do what to which talk or series: the roles table, and the parts an action is about.

An organiser's role on a talk is owner (Event.owner_id), editor or viewer
(an EventRole row); on a series it is a SeriesRole row (a series may have
several owners). Administrators act as owners on every talk and series.
ALLOWED says what each role may do, and every organiser page, button and
service caller asks it through may(), get_event_or_404() or
get_series_or_404(): this is the one place the rule lives.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from flask import abort, g, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, true
from werkzeug.exceptions import Forbidden

from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import (
    Event,
    EventRole,
    Material,
    Organiser,
    Registration,
    Series,
    SeriesRole,
    Speaker,
    TalkRole,
)


class Permission(StrEnum):
    """What an organiser may do to a talk or a series.

    On a series: SEE its overview and team, EDIT it (its text, banner and
    defaults) and put talks in it, MANAGE_TEAM, DELETE it.
    """

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

# What a role too low is told, with the way to more, in one sentence per role
# (an owner may do everything).
REFUSED = {
    TalkRole.EDITOR: _l("You are an editor of this talk, and editors cannot do this. The talk's "
                        "owner or an administrator can change your role on its Team page."),
    TalkRole.VIEWER: _l("You are a viewer of this talk, and viewers cannot do this. The talk's "
                        "owner or an administrator can change your role on its Team page."),
}
REFUSED_ON_SERIES = {
    TalkRole.EDITOR: _l("You are an editor of this series, and editors cannot do this. The "
                        "series' owner or an administrator can change your role on its Team "
                        "page."),
    TalkRole.VIEWER: _l("You are a viewer of this series, and viewers cannot do this. The "
                        "series' owner or an administrator can change your role on its Team "
                        "page."),
}


class RoleTooLow(Forbidden):
    """An organiser on the team of a talk or series asked for what their role does not allow."""

    def __init__(self, role: TalkRole, thing: Event | Series):
        if isinstance(thing, Series):
            messages = REFUSED_ON_SERIES
            link = (url_for("organiser.series", series_id=thing.id), _("Back to the series"))
        else:
            messages = REFUSED
            link = (url_for("organiser.event", event_id=thing.id), _("Back to the talk"))
        self.page_message = str(messages[role])
        self.page_link = link
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


def role_of(organiser: Organiser, thing: Event | Series) -> TalkRole | None:
    """Return the organiser's role on the talk or series (administrators: owner), or None."""
    if isinstance(thing, Series):
        return series_roles_on(organiser, [thing])[thing.id]
    return roles_on(organiser, [thing])[thing.id]


def may(organiser: Organiser, thing: Event | Series, permission: Permission | str) -> bool:
    """Say whether the organiser may do this to the talk or series."""
    role = role_of(organiser, thing)
    return role is not None and Permission(permission) in ALLOWED[role]


def forget_roles() -> None:
    """Drop the roles kept for this request: a team just changed."""
    if has_request_context():
        g.pop("talk_roles", None)
        g.pop("series_roles", None)


def _known_roles(organiser: Organiser, kind: str = "talk_roles") -> dict[int, TalkRole | None]:
    if not has_request_context():
        return {}
    kept = g.setdefault(kind, {})
    return kept.setdefault(organiser.id, {})


def series_roles_on(organiser: Organiser, series: list[Series]) -> dict[int, TalkRole | None]:
    """Return {series id: this organiser's role on it, None for none}, in one query at most."""
    known = _known_roles(organiser, "series_roles")
    missing = [row.id for row in series if row.id not in known]
    if missing:
        stored = dict(db.session.execute(
            db.select(SeriesRole.series_id, SeriesRole.role).where(
                SeriesRole.organiser_id == organiser.id, SeriesRole.series_id.in_(missing))
        ).all())  # fmt: skip
        for series_id in missing:
            role = stored.get(series_id)
            known[series_id] = TalkRole.OWNER if organiser.is_admin else role and TalkRole(role)
    return {row.id: known[row.id] for row in series}


def managed_series(organiser: Organiser, permission: Permission = Permission.SEE) -> Select:
    """Return a query of the series on which the organiser may do this, by name."""
    query = db.select(Series).order_by(Series.name, Series.id)
    if organiser.is_admin:
        return query
    roles = [role for role, allowed in ALLOWED.items() if permission in allowed]
    held = db.select(SeriesRole.series_id).where(
        SeriesRole.organiser_id == organiser.id, SeriesRole.role.in_(roles)
    )
    return query.where(Series.id.in_(held))


def get_series_or_404(organiser: Organiser, series_id: int, permission: Permission) -> Series:
    """Return the series if the organiser may do this to it (404 without a role, 403 too low)."""
    return _allowed(organiser, db.get_or_404(Series, series_id), permission)


def get_event_or_404(organiser: Organiser, event_id: int, permission: Permission) -> Event:
    """Return the talk if the organiser may do this to it.

    Without any role on it the talk does not exist for them (404); with a
    role too low they are told so (403).
    """
    return _allowed(organiser, db.get_or_404(Event, event_id), permission)


Thing = TypeVar("Thing", Event, Series)


def _allowed(organiser: Organiser, thing: Thing, permission: Permission) -> Thing:
    role = role_of(organiser, thing)
    if role is None:
        abort(404)
    if permission not in ALLOWED[role]:
        raise RoleTooLow(role, thing)
    return thing


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
