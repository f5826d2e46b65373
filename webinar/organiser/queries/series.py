"""Reads for the organiser's series pages and the series choice of the talk form."""

from __future__ import annotations

from flask_babel import gettext as _

from ...extensions import db
from ...models import Event, Organiser, Series, SeriesRole, TalkRole
from .access import Permission, managed_series, series_roles_on
from .team import Member

# Owners first, then editors, then viewers.
ROLE_ORDER = {TalkRole.OWNER: 0, TalkRole.EDITOR: 1, TalkRole.VIEWER: 2}


def series_list(organiser: Organiser) -> list[tuple[Series, TalkRole, int]]:
    """Return the series the organiser has a role on, by name, with the role and the talk count."""
    series = list(db.session.scalars(managed_series(organiser)))
    counts = dict(db.session.execute(
        db.select(Event.series_id, db.func.count())
        .where(Event.series_id.in_([row.id for row in series]))
        .group_by(Event.series_id)
    ).all())  # fmt: skip
    roles = series_roles_on(organiser, series)
    return [(row, roles[row.id], counts.get(row.id, 0)) for row in series]


def series_team(series: Series) -> list[Member]:
    """Return who has a role on the series: owners, editors, viewers, each by name."""
    rows = db.session.execute(
        db.select(Organiser, SeriesRole.role)
        .join(SeriesRole, SeriesRole.organiser_id == Organiser.id)
        .where(SeriesRole.series_id == series.id)
        .order_by(Organiser.name, Organiser.id)
    )
    members = [Member(organiser, TalkRole(role)) for organiser, role in rows]
    return sorted(members, key=lambda member: ROLE_ORDER[member.role])


def talks_of(series: Series) -> list[Event]:
    """Return every talk of the series, of any status, the latest first."""
    query = db.select(Event).where(Event.series_id == series.id)
    return list(db.session.scalars(query.order_by(Event.starts_at.desc(), Event.id.desc())))


def series_choices(organiser: Organiser, current: Series | None = None) -> list[tuple[str, str]]:
    """Return the series a talk form offers: those the organiser may edit, and the talk's own.

    A talk keeps its series when saved by someone who may not put talks in it.
    """
    editable = list(db.session.scalars(managed_series(organiser, Permission.EDIT)))
    if current is not None and current not in editable:
        editable.append(current)
    return [("", _("No series"))] + [(str(row.id), row.name) for row in editable]
