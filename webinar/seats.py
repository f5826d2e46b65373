"""Seats: the one place that allocates, releases and promotes them.

Every change of `Event.seats_taken` goes through a conditional UPDATE here, so
the count stays exact with many web processes on SQLite (BEGIN IMMEDIATE) or
PostgreSQL (the UPDATE locks the event row until commit).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from . import notifications, webhooks
from .extensions import db
from .models import (
    Answer,
    Event,
    Registration,
    RegistrationStatus,
    WebhookEndpoint,
    utcnow,
)
from .models.event import registration_state
from .text import normalise_email

# What register() can answer: the new registration's status, or why there is none.
CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED
FULL = "full"
ALREADY_REGISTERED = "already_registered"
CLOSED = "closed"
# The talk's form changed after the person's form was checked: nothing saved.
CHANGED = "changed"

# Registration states of an event in which a registration may be attempted.
_ACCEPTING = ("open", "waitlist")

# A seat taken or released moves the talk's updated_at (the API lists talks by
# change), not what its form shows: the cached form stays (registration.form_page).
KEEP_CONTENT_VERSION = {"content_version": Event.content_version}


@dataclass(frozen=True)
class Outcome:
    """What happened to one registration attempt."""

    status: str
    registration_id: int | None = None

    @property
    def registration(self) -> Registration | None:
        """Return the registration, loaded when asked: the form's POST never asks."""
        if self.registration_id is None:
            return None
        return db.session.get(Registration, self.registration_id)


@dataclass(frozen=True)
class NewRegistration:
    """What its first email needs of a registration just inserted (notifications.outbox_row)."""

    id: int
    email: str
    language: str
    status: str
    # The talk's row as the transaction read it: its title and languages for the subject.
    event: sa.Row


def register(event, data: dict, *, on_created=None, form_version: int | None = None) -> Outcome:
    """Register a person for an event in one transaction and enqueue their email.

    `event` is the talk or a row with its id. form_version, when given, is
    the talk's content_version the form was checked against: if the talk
    changed since, nothing is saved and the answer is CHANGED (check the
    form again). on_created(registration), when given, adds to the
    transaction of a new registration (an audit entry), so that both commit
    or neither does.
    """
    email = normalise_email(data["email"])
    try:
        outcome = _register(event.id, email, data, form_version)
        if on_created is not None and outcome.status in (CONFIRMED, WAITLISTED):
            on_created(outcome.registration)
        db.session.commit()
    except IntegrityError:
        # The unique index saw a concurrent registration with the same address.
        db.session.rollback()
        outcome = _already_registered(event.id, email)
        db.session.commit()
    return outcome


# The talk as the transaction sees it (on SQLite its first statement takes the
# write lock), with what the email's subject needs, and whether any webhook
# endpoint is on at all: while none is, a registration asks no more about them.
# Read in the registration's own transaction, as the endpoints themselves would
# be, so an endpoint added by another process counts from its commit on.
# Built once, of the tables' columns: every registration runs these statements
# on the session's connection, without the ORM's bookkeeping.
_EVENT = Event.__table__
_TALK_NOW = sa.select(
    *(
        _EVENT.c[name]
        for name in (
            "id", "content_version", "status", "ends_at", "registration_opens_at",
            "registration_closes_at", "capacity", "seats_taken", "waitlist_enabled",
            "language", "other_languages", "title", "translations",
        )
    ),
    sa.exists().where(WebhookEndpoint.__table__.c.enabled.is_(True)).label("webhooks"),
).where(_EVENT.c.id == sa.bindparam("event_id"))  # fmt: skip
_INSERT_REGISTRATION = sa.insert(Registration.__table__).returning(Registration.__table__.c.id)
_INSERT_ANSWER = sa.insert(Answer.__table__)


def _register(event_id: int, email: str, data: dict, form_version: int | None) -> Outcome:
    connection = db.session.connection()
    talk = connection.execute(_TALK_NOW, {"event_id": event_id}).one_or_none()
    if form_version is not None and (talk is None or talk.content_version != form_version):
        return Outcome(CHANGED)
    if talk is None:
        return Outcome(CLOSED)
    state = registration_state(talk)
    # Decide "closed" and "full" before looking the address up, so the answer
    # never depends on whether someone registered with it.
    if state == "full":
        return Outcome(FULL)
    if state not in _ACCEPTING:
        return Outcome(CLOSED)

    # No lookup of the address first: the unique index refuses a second active
    # registration at the INSERT below, and register() then rolls back (the
    # seat too) and re-sends the personal link.
    if _take_seat(event_id):
        status = CONFIRMED
    elif talk.waitlist_enabled:
        status = WAITLISTED
    else:
        existing = _already_registered(event_id, email)
        return existing if existing.registration_id is not None else Outcome(FULL)

    now = utcnow()
    values = {
        "event_id": event_id,
        "token": secrets.token_urlsafe(32),
        # The join link's own secret: forwarded, it opens the talk and nothing else.
        "join_token": secrets.token_urlsafe(32),
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "email": data["email"].strip(),
        "email_normalised": email,
        "organisation": data.get("organisation", ""),
        "country": data.get("country", ""),
        "job_title": data.get("job_title", ""),
        "status": status,
        "created_at": now,
        "attendee_timezone": data.get("timezone", ""),
        "language": data.get("language", talk.language),
        "utm_source": data.get("utm_source", ""),
        "utm_medium": data.get("utm_medium", ""),
        "utm_campaign": data.get("utm_campaign", ""),
        "referrer": data.get("referrer", ""),
        "privacy_consent_at": now,
        "privacy_notice_version": data.get("privacy_notice_version", ""),
        "marketing_consent": bool(data.get("marketing_consent")),
        "marketing_consent_at": now if data.get("marketing_consent") else None,
    }
    # A concurrent duplicate makes the unique index raise IntegrityError here.
    registration_id = connection.execute(_INSERT_REGISTRATION, values).scalar_one()
    answers = [{**answer, "registration_id": registration_id} for answer in data.get("answers", ())]
    if answers:
        # Written with the registration, so the confirmation email can list them.
        connection.execute(_INSERT_ANSWER, answers)
    notifications.enqueue_registered(
        NewRegistration(registration_id, values["email"], values["language"], status, talk)
    )
    if talk.webhooks:
        webhooks.registration_event(
            ("registration.created", f"registration.{status}"),
            db.session.get(Registration, registration_id),
        )
    return Outcome(status, registration_id)


def _already_registered(event_id: int, email: str) -> Outcome:
    """Re-send the personal link of an active registration, if there is one."""
    registration = db.session.execute(
        db.select(Registration).where(
            Registration.event_id == event_id,
            Registration.email_normalised == email,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).scalar_one_or_none()
    if registration is None:
        return Outcome(ALREADY_REGISTERED)
    notifications.enqueue_already_registered(registration)
    return Outcome(ALREADY_REGISTERED, registration.id)


# The session's copy of the talk, if it has one, is not updated (as with
# synchronize_session=False).
_TAKE_SEAT = (
    sa.update(_EVENT)
    .where(
        _EVENT.c.id == sa.bindparam("event_id"),
        sa.or_(_EVENT.c.capacity.is_(None), _EVENT.c.seats_taken < _EVENT.c.capacity),
    )
    .values(seats_taken=_EVENT.c.seats_taken + 1, content_version=_EVENT.c.content_version)
)


def _take_seat(event_id: int) -> bool:
    """Take one seat if one is free; the WHERE clause makes it safe under concurrency."""
    return db.session.connection().execute(_TAKE_SEAT, {"event_id": event_id}).rowcount == 1


def _release_seat(event_id: int) -> None:
    db.session.execute(
        sa.update(Event)
        .where(Event.id == event_id, Event.seats_taken > 0)
        .values(seats_taken=Event.seats_taken - 1, **KEEP_CONTENT_VERSION)
        .execution_options(synchronize_session=False)
    )


def cancel(registration: Registration, *, notify: bool = True) -> bool:
    """Cancel a registration, hand its seat to the oldest waitlisted person, and commit.

    Return False when it was already cancelled (nothing changes then).
    """
    changed = withdraw(registration, notify=notify)
    db.session.commit()
    return changed


def withdraw(registration: Registration, *, notify: bool = True) -> bool:
    """Cancel a registration and hand on its seat in the caller's transaction; False if it was."""
    now = utcnow()
    while True:
        previous = registration.status
        if previous == RegistrationStatus.CANCELLED:
            return False
        # Conditional on the status read, so two cancels at once release one seat.
        result = db.session.execute(
            sa.update(Registration)
            .where(Registration.id == registration.id, Registration.status == previous)
            .values(status=RegistrationStatus.CANCELLED, cancelled_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(registration)
        if result.rowcount == 1:
            break
        # The status changed since it was read: another cancel (now "cancelled",
        # the loop ends), or a promotion from the waiting list, which is cancelled too.
    if previous == RegistrationStatus.CONFIRMED:
        _release_seat(registration.event_id)
        _fill_free_seats(registration.event_id)
    if notify:
        notifications.enqueue_cancelled(registration)
    webhooks.registration_event("registration.cancelled", registration)
    return True


def fill_free_seats(event: Event) -> int:
    """Promote waitlisted people, oldest first, while seats are free; commit; return how many."""
    promoted = _fill_free_seats(event.id)
    db.session.commit()
    return promoted


def _fill_free_seats(event_id: int) -> int:
    promoted = 0
    while True:
        waiting = db.session.execute(
            db.select(Registration)
            .where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.created_at, Registration.id)
            .limit(1)
            # Two cancellations at once must not promote the same person.
            .with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if waiting is None or not _take_seat(event_id):
            return promoted
        waiting.status = RegistrationStatus.CONFIRMED
        db.session.flush()
        notifications.enqueue_promoted(waiting)
        webhooks.registration_event("registration.promoted", waiting)
        promoted += 1


# What promote() can answer, besides CONFIRMED.
NOT_WAITLISTED = "not_waitlisted"


def promote(registration: Registration) -> str:
    """Give one waitlisted person a free seat, enqueue "promoted", and commit.

    Return CONFIRMED, FULL (no seat free: nothing changes) or NOT_WAITLISTED
    (someone else promoted or cancelled them meanwhile: nothing changes).
    """
    if registration.status != RegistrationStatus.WAITLISTED:
        return NOT_WAITLISTED
    if not _take_seat(registration.event_id):
        db.session.rollback()
        return FULL
    # Conditional on the status, so two organisers clicking at once take one seat.
    result = db.session.execute(
        sa.update(Registration)
        .where(
            Registration.id == registration.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .values(status=RegistrationStatus.CONFIRMED)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return NOT_WAITLISTED
    db.session.refresh(registration)
    notifications.enqueue_promoted(registration)
    webhooks.registration_event("registration.promoted", registration)
    db.session.commit()
    return CONFIRMED


def change_capacity(event: Event, capacity: int | None) -> int:
    """Set the seats of an event (None: unlimited) and fill any now free; return how many promoted.

    Lowering below the seats taken keeps every seat: new registrations then
    go to the waiting list (or see "full") until enough are released. The
    commit is left to the caller, with the rest of the event's changes.
    """
    event.capacity = capacity
    if event.id is None:
        return 0
    db.session.flush()
    return _fill_free_seats(event.id)
