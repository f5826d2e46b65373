"""Series: creating, changing and deleting them, and their teams.

Who may call these is decided by the roles table (queries/access.py). Each
function checks its own rules, writes one audit entry with the change in one
transaction, and raises SeriesError (or SeriesInvalid, field by field) with a
message for the person when the change cannot be made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from ... import audit
from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import AuditAction, Event, Organiser, Series, SeriesRole, TalkRole
from ...text import plural
from ...uploads import UploadError, delete_upload, save_banner
from ..queries.access import forget_roles
from .accounts import find_organiser
from .talk_data import slugify
from .team import ALREADY_ROLE, said

SLUG_TAKEN = _l("Another series already uses this address. Choose another one.")
# A person's role on a series, in whole sentences (a series may have several owners).
NOW_ROLE = {
    TalkRole.OWNER: _l("%(name)s is now an owner of this series."),
    TalkRole.EDITOR: _l("%(name)s is now an editor of this series."),
    TalkRole.VIEWER: _l("%(name)s is now a viewer of this series."),
}
ALREADY_ON_TEAM = {
    TalkRole.OWNER: _l("%(name)s is already an owner of this series: change the role in the "
                       "list instead."),
    TalkRole.EDITOR: _l("%(name)s is already an editor of this series: change the role in the "
                        "list instead."),
    TalkRole.VIEWER: _l("%(name)s is already a viewer of this series: change the role in the "
                        "list instead."),
}
# The columns a form writes as typed (trimmed), and the defaults a new talk of the series takes.
TEXT_FIELDS = ("name", "description", "language", "banner_alt", "organised_by", "event_type",
               "target_audience")  # fmt: skip
DEFAULT_FIELDS = ("organised_by", "event_type", "target_audience", "capacity",
                  "waitlist_enabled", "reminder_24h", "reminder_1h")  # fmt: skip


class SeriesError(ValueError):
    """A change to a series or its team that cannot be made; the message says why."""


class SeriesInvalid(SeriesError):
    """Series data that breaks the rules: messages by field name."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(message for messages in errors.values() for message in messages))


@dataclass(frozen=True)
class SeriesData:
    """A series as submitted, in plain values named like the series form's fields."""

    name: str = ""
    slug: str = ""
    description: str = ""
    language: str = "en"
    banner: FileStorage | None = None
    remove_banner: bool = False
    banner_alt: str = ""
    organised_by: str = ""
    event_type: str = ""
    target_audience: str = ""
    capacity: int | None = None
    waitlist_enabled: bool = False
    reminder_24h: bool = True
    reminder_1h: bool = True
    refused: frozenset[str] = field(default_factory=frozenset)


def create_series(owner: Organiser, data: SeriesData) -> Series:
    """Create a series owned by this organiser and commit it; return it."""
    series = Series()
    _save(series, data)
    db.session.add(SeriesRole(series=series, organiser_id=owner.id, role=TalkRole.OWNER))
    audit.record(AuditAction.SERIES_CREATED, details=_named(series))
    _commit(series, data)
    forget_roles()
    return series


def update_series(series: Series, data: SeriesData) -> None:
    """Write an organiser's changes to a series and commit."""
    old_banner = series.banner
    _save(series, data)
    audit.record(AuditAction.SERIES_CHANGED, details=_named(series))
    _commit(series, data)
    if old_banner != series.banner:
        delete_upload(old_banner)


def talk_count(series: Series) -> int:
    """Return how many talks, of any status, belong to the series."""
    query = db.select(db.func.count()).select_from(Event).where(Event.series_id == series.id)
    return db.session.scalar(query)


def delete_series(series: Series, *, detach: bool) -> int:
    """Delete a series and commit; return how many talks were detached from it.

    A series with talks is deleted only when asked to detach them: each keeps
    the series' name as its own label, so its page still says what it was part of.
    """
    talks = list(db.session.scalars(db.select(Event).where(Event.series_id == series.id)))
    if talks and not detach:
        raise SeriesError(_("This series still has talks: detach them to delete it."))
    for talk in talks:
        talk.series_label = talk.series_name
        talk.series_id = None
    banner = series.banner
    details = _named(series) + (f", {plural(len(talks), 'talk')} detached" if talks else "")
    db.session.delete(series)
    audit.record(AuditAction.SERIES_DELETED, details=details)
    db.session.commit()
    delete_upload(banner)
    forget_roles()
    return len(talks)


def defaults_of(series: Series) -> dict:
    """Return what a new talk of the series starts with, by the talk form's field names."""
    return {"series_id": series.id, **{name: getattr(series, name) for name in DEFAULT_FIELDS}}


def add_member(series: Series, email: str, role: str) -> tuple[Organiser, TalkRole]:
    """Give an existing organiser a role on the series; commit; return them and the role."""
    role = _role(role)
    organiser = find_organiser(email or "")
    if organiser is None:
        raise SeriesError(_("No organiser account uses this address; an administrator can "
                            "invite them."))  # fmt: skip
    held = db.session.get(SeriesRole, (series.id, organiser.id))
    if held is not None:
        raise SeriesError(said(ALREADY_ON_TEAM[TalkRole(held.role)], organiser.name))
    db.session.add(SeriesRole(series_id=series.id, organiser_id=organiser.id, role=role))
    audit.record(AuditAction.SERIES_ROLE_GIVEN,
                 details=f"{_named(series)}: {organiser.email} as {role}")  # fmt: skip
    try:
        db.session.commit()
    except IntegrityError as error:  # added by someone else a moment ago
        db.session.rollback()
        raise SeriesError(
            _("%(name)s is already on this series' team.", name=organiser.name)
        ) from error
    forget_roles()
    return organiser, role


def change_role(series: Series, organiser_id: int, role: str) -> tuple[Organiser, TalkRole]:
    """Give a member of the series' team another role; commit; return them and the role."""
    role = _role(role)
    member = _member(series, organiser_id)
    if member.role == role:
        raise SeriesError(said(ALREADY_ROLE[role], member.organiser.name))
    if member.role == TalkRole.OWNER:
        _keep_an_owner(series)
    details = f"{_named(series)}: {member.organiser.email}: {member.role} -> {role}"
    member.role = role
    audit.record(AuditAction.SERIES_ROLE_CHANGED, details=details)
    db.session.commit()
    forget_roles()
    return member.organiser, role


def remove_member(series: Series, organiser_id: int) -> Organiser:
    """Take someone off the series' team; commit; return them. The last owner stays."""
    member = _member(series, organiser_id)
    if member.role == TalkRole.OWNER:
        _keep_an_owner(series)
    organiser = member.organiser
    db.session.delete(member)
    audit.record(AuditAction.SERIES_ROLE_REMOVED,
                 details=f"{_named(series)}: {organiser.email} (was {member.role})")  # fmt: skip
    db.session.commit()
    forget_roles()
    return organiser


def _save(series: Series, data: SeriesData) -> None:
    """Check the data and copy it onto the series; store a new banner; raise SeriesInvalid."""
    errors: dict[str, list[str]] = {}
    slug = (data.slug or "").strip() or slugify(data.name or "", max_length=80)
    if "slug" not in data.refused and _slug_taken(slug, series.id):
        errors["slug"] = [str(SLUG_TAKEN)]
    keeps_banner = data.banner is not None or (series.banner and not data.remove_banner)
    if keeps_banner and "banner_alt" not in data.refused and not (data.banner_alt or "").strip():
        errors["banner_alt"] = [_("Describe the banner for people who cannot see it.")]
    if errors or data.refused:
        raise SeriesInvalid(errors)
    banner = series.banner if not data.remove_banner else None
    if data.banner is not None:
        try:
            banner = save_banner(data.banner)
        except UploadError as error:
            raise SeriesInvalid({"banner": [str(error)]}) from error
    for name in TEXT_FIELDS:
        setattr(series, name, (getattr(data, name) or "").strip())
    series.language = series.language or "en"
    series.slug, series.banner = slug, banner
    series.capacity, series.waitlist_enabled = data.capacity, data.waitlist_enabled
    series.reminder_24h, series.reminder_1h = data.reminder_24h, data.reminder_1h


def _slug_taken(slug: str, series_id: int | None) -> bool:
    return db.session.scalar(
        db.select(Series.id).where(Series.slug == slug, Series.id != (series_id or 0))
    ) is not None


def _commit(series: Series, data: SeriesData) -> None:
    """Commit; when another series took the address meanwhile, undo, drop a new banner, say so."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if data.banner is not None:
            delete_upload(series.banner)
        raise SeriesInvalid({"slug": [str(SLUG_TAKEN)]}) from error


def now_role_message(name: str, role: TalkRole) -> str:
    """Return the sentence that says someone now has this role on the series."""
    return said(NOW_ROLE[role], name)


def _named(series: Series) -> str:
    return f"“{series.name}” ({series.slug})"


def _role(value: str) -> TalkRole:
    if value not in tuple(TalkRole):
        raise SeriesError(_("Choose owner, editor or viewer."))
    return TalkRole(value)


def _member(series: Series, organiser_id: int) -> SeriesRole:
    member = db.session.get(SeriesRole, (series.id, organiser_id))
    if member is None:
        raise SeriesError(_("This person is not on the series' team any more."))
    return member


def _keep_an_owner(series: Series) -> None:
    owners = db.session.scalar(
        db.select(db.func.count()).select_from(SeriesRole)
        .where(SeriesRole.series_id == series.id, SeriesRole.role == TalkRole.OWNER)
    )  # fmt: skip
    if owners <= 1:
        raise SeriesError(_("A series keeps at least one owner: make someone else an owner first."))
