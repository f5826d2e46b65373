"""Talks: creating and changing them, and moving them between draft, published and cancelled.

Each function checks the rules, writes in one transaction and raises
TalkError (or TalkInvalid, field by field) with a message for the person
when the change cannot be made.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from ... import audit, seats, series_mailing, webhooks
from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import AuditAction, Event, EventStatus, Organiser, Registration, Topic
from ...notifications import enqueue_event_cancelled, enqueue_event_updated
from ...text import plural
from ...uploads import UploadError, delete_upload, save_banner
from .questions import copy_form_settings
from .talk_data import (
    CheckedTalk,
    TalkData,
    TalkError,
    TalkInvalid,
    check,
    slugify,
    unique_slug,
)

# The text fields written as typed, trimmed.
TEXT_FIELDS = ("title", "series_label", "event_type", "target_audience", "organised_by", "summary",
               "description", "timezone", "location", "recording_url", "post_summary",
               "banner_alt")  # fmt: skip
SLUG_TAKEN = _l("Another talk took this address a moment ago. Choose another one.")


def create_talk(owner_id: int, data: TalkData, source: Event | None = None) -> Event:
    """Create a draft talk owned by this organiser and commit it; return it.

    A talk copied from source also gets its registration questions and the
    fixed fields it asks; a new talk in a series gets those of the series' latest
    talk. It goes into a series only if its owner may edit that series.
    """
    event = Event(owner_id=owner_id, status=EventStatus.DRAFT)
    checked = check(data, event, db.session.get(Organiser, owner_id))
    banner = _stored_banner(data, event)
    _write(event, data, checked, banner, _topics(data))
    if source is None and event.series_id is not None:
        with db.session.no_autoflush:
            source = latest_talk_of(event.series_id)
    db.session.add(event)
    copy = (lambda: copy_form_settings(event, source)) if source is not None else None
    _commit(banner if data.banner is not None else None, before=copy)
    return event


def latest_talk_of(series_id: int) -> Event | None:
    """Return the series' talk that starts last: a new talk of the series asks its questions."""
    return db.session.scalars(
        db.select(Event).where(Event.series_id == series_id)
        .order_by(Event.starts_at.desc(), Event.id.desc()).limit(1)
    ).first()


def update_talk(event: Event, data: TalkData, by: Organiser | None = None) -> int:
    """Write an organiser's changes to a talk and commit; return how many got a seat.

    Raising the capacity gives seats to the waiting list, in order. A new
    time or join link reaches the registrants by email, in the same commit.
    The talk moves into another series only if `by` may edit that series.
    """
    checked = check(data, event, by)
    old_banner = event.banner
    banner = _stored_banner(data, event)
    sequence = event.ics_sequence
    before = (event.capacity, event.starts_at, event.ends_at)
    promoted = _write(event, data, checked, banner, _topics(data))
    if event.ics_sequence != sequence:
        enqueue_event_updated(event)
    _record_changes(event, *before)
    webhooks.talk_event("talk.updated", event)
    _commit(banner if data.banner is not None else None)
    if old_banner != event.banner:
        delete_upload(old_banner)
    return promoted


def _record_changes(
    event: Event, capacity: int | None, starts_at: datetime, ends_at: datetime
) -> None:
    """Log a new capacity and a new time, each as one entry, in the change's transaction."""
    if event.capacity != capacity:
        change = f"capacity {_seats(capacity)} -> {_seats(event.capacity)}"
        audit.record(AuditAction.CAPACITY_CHANGED, event=event, details=change)
    if (event.starts_at, event.ends_at) != (starts_at, ends_at):
        change = f"{_span(starts_at, ends_at)} -> {_span(event.starts_at, event.ends_at)}"
        audit.record(AuditAction.TIME_CHANGED, event=event, details=change)


def _seats(capacity: int | None) -> str:
    return "unlimited" if capacity is None else str(capacity)


def _span(starts_at: datetime, ends_at: datetime) -> str:
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    return f"{starts_at:%Y-%m-%d %H:%M} to {ends_at:%Y-%m-%d %H:%M} UTC"


def _stored_banner(data: TalkData, event: Event) -> str | None:
    """Store an uploaded banner; return the banner the talk keeps (None: no banner)."""
    if data.banner is None:
        return event.banner if event.banner and not data.remove_banner else None
    try:
        return save_banner(data.banner)
    except UploadError as error:
        raise TalkInvalid({"banner": [str(error)]}) from error


def _commit(new_upload: str | None, before: Callable[[], object] | None = None) -> None:
    """Commit; when another talk took the address meanwhile, undo, drop the new upload, say so.

    `before` runs first, inside the same guard: it may flush the new talk.
    """
    try:
        if before is not None:
            before()
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        delete_upload(new_upload)
        raise TalkInvalid({"slug": [SLUG_TAKEN]}) from error


def _topics(data: TalkData) -> list[Topic]:
    """Return the chosen topics plus the new ones typed in, creating those.

    Called before the event changes: its lookups flush the session.
    """
    chosen = set(data.topics or [])
    topics = list(db.session.scalars(db.select(Topic).where(Topic.id.in_(chosen))))
    for name in (part.strip() for part in (data.new_topics or "").split(",")):
        if not name:
            continue
        slug = slugify(name)
        topic = db.session.scalar(db.select(Topic).where(Topic.slug == slug))
        if topic is None:
            topic = Topic(slug=slug, name=name[:120])
            db.session.add(topic)
        if topic not in topics:
            topics.append(topic)
    return topics


def _write(
    event: Event, data: TalkData, checked: CheckedTalk, banner: str | None, topics: list[Topic]
) -> int:
    """Copy the checked values onto the event; return how many got a seat."""
    join_url = data.join_url or ""
    times = (checked.starts_at, checked.ends_at, join_url)
    if event.id is not None and (event.starts_at, event.ends_at, event.join_url) != times:
        # Calendar apps replace an entry only when its sequence number grows.
        event.ics_sequence += 1
    for name in TEXT_FIELDS:
        setattr(event, name, (getattr(data, name) or "").strip())
    event.join_url = join_url
    event.series_id = data.series_id
    event.starts_at, event.ends_at = checked.starts_at, checked.ends_at
    event.registration_opens_at = checked.registration_opens_at
    event.registration_closes_at = checked.registration_closes_at
    event.waitlist_enabled = data.waitlist_enabled
    event.reminder_24h, event.reminder_1h = data.reminder_24h, data.reminder_1h
    promoted = 0
    if event.capacity != data.capacity or event.id is None:
        # New seats go to the waiting list in order; fewer seats than are
        # taken keeps every seat and sends new registrations to the waiting list.
        promoted = seats.change_capacity(event, data.capacity)
    event.slug = checked.slug or unique_slug(slugify(event.title), event.id)
    event.banner = banner
    event.topics = topics
    return promoted


def publish(event: Event) -> None:
    """Publish a draft: its page and registration form go public; commit.

    A talk of a series also gets the job that tells the series' followers,
    in the same commit; the worker writes their emails.
    """
    _move(
        event,
        (EventStatus.DRAFT,),
        EventStatus.PUBLISHED,
        AuditAction.TALK_PUBLISHED,
        "talk.published",
        before_commit=lambda: series_mailing.schedule(event),
    )


def unpublish(event: Event) -> None:
    """Take a published talk back to draft: its page is no longer public; commit."""
    _move(event, (EventStatus.PUBLISHED,), EventStatus.DRAFT, AuditAction.TALK_UNPUBLISHED,
          "talk.updated")  # fmt: skip


def cancel_talk(event: Event) -> int:
    """Cancel a talk and tell everyone registered, with a calendar cancellation; return how many.

    The emails are rendered after the status changes, so the calendar files
    say CANCELLED, and committed with it: the talk is cancelled and its
    emails exist together.
    """
    _refuse_unless(event, (EventStatus.DRAFT, EventStatus.PUBLISHED))
    event.status = EventStatus.CANCELLED
    told = enqueue_event_cancelled(event)
    webhooks.talk_event("talk.cancelled", event)
    told_whom = f"{plural(told, 'person', 'people')} told"
    audit.record(AuditAction.TALK_CANCELLED, event=event, details=told_whom)
    db.session.commit()
    return told


HAS_REGISTRATIONS = (_l("People registered for this talk, so it cannot be deleted: cancel it "
                     "instead, and they are told by email."))  # fmt: skip


def has_registrations(event: Event) -> bool:
    """Say whether anyone ever registered for the talk, cancelled or erased registrations too."""
    return db.session.scalar(
        db.select(db.exists().where(Registration.event_id == event.id))
    )


def delete_talk(event: Event) -> None:
    """Delete a talk nobody registered for, with its speakers, materials and files; commit.

    The log entry names the talk in its details: the talk it pointed to is gone.
    """
    # A registration takes the event row's lock (seats.py): holding it first means
    # nobody registers between the check and the delete, which would erase them too.
    db.session.execute(db.select(Event.id).where(Event.id == event.id).with_for_update())
    if has_registrations(event):
        raise TalkError(HAS_REGISTRATIONS)
    files = [event.banner, *(m.filename for m in event.materials),
             *(s.photo for s in event.speakers)]  # fmt: skip
    audit.record(AuditAction.TALK_DELETED, details=f"talk {event.id}: “{event.title}” "
                 f"(/events/{event.slug})")  # fmt: skip
    db.session.delete(event)
    db.session.commit()
    for name in files:
        delete_upload(name)


def _move(
    event: Event,
    allowed_from: tuple[str, ...],
    status: EventStatus,
    action: AuditAction,
    webhook_event: str,
    before_commit: Callable[[], object] | None = None,
) -> None:
    _refuse_unless(event, allowed_from)
    event.status = status
    audit.record(action, event=event)
    webhooks.talk_event(webhook_event, event)
    if before_commit is not None:
        before_commit()
    db.session.commit()


# A change of status that the talk's present status does not allow, per status.
NOT_FROM = {
    EventStatus.DRAFT: _l("A draft talk cannot be changed that way."),
    EventStatus.PUBLISHED: _l("A published talk cannot be changed that way."),
    EventStatus.CANCELLED: _l("A cancelled talk cannot be changed that way."),
}


def _refuse_unless(event: Event, allowed_from: tuple[str, ...]) -> None:
    if event.status not in allowed_from:
        raise TalkError(str(NOT_FROM[EventStatus(event.status)]))
