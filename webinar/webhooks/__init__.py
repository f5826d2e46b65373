"""Webhooks: events about talks and registrations, written for the endpoints that asked for them.

The services call emit() (or registration_event, talk_event) in the
transaction of the change: one delivery row per matching enabled endpoint is
added to the session, so a change and its deliveries commit together or not
at all. The worker (delivery.py) sends them later, signed (signing.py), only
to public addresses (address.py).

An endpoint matches a talk when its owner has a role on the talk (an
administrator on every talk) and, if the endpoint is limited to some talks,
the talk is one of them. Finding them is one indexed query, which answers at
once while nobody has an endpoint.

A payload carries ids and what a receiver needs to act. A person's details
(name, email, answers) are in its "person" part, present only for endpoints
whose owner ticked "include personal data"; the erase and the purge remove
that part from stored deliveries (strip_personal).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from ..calendar import public_url
from ..extensions import db
from ..models import (
    Event,
    EventRole,
    Organiser,
    Registration,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
    webhook_endpoint_talk,
)

PERSON = "person"


def new_webhook_id() -> str:
    """Return a fresh message id, the same on every try of one delivery."""
    return f"msg_{secrets.token_urlsafe(18)}"


def body(event_type: str, data: dict) -> str:
    """Return the JSON body of an event, as it is stored, signed and sent."""
    payload = {"type": event_type, "timestamp": utcnow().isoformat(), "data": data}
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def emit(
    event_types: str | tuple[str, ...],
    talk: Event,
    data: Callable[[], dict],
    person: Callable[[], dict] | None = None,
    registration_id: int | None = None,
) -> int:
    """Add a delivery of the event (or of each event) for each endpoint that wants it.

    The caller commits. data() returns the payload's data and person() its
    personal part, each asked only when an endpoint wants it, so a change
    followed by no endpoint costs one query. Return how many deliveries were added.
    """
    event_types = (event_types,) if isinstance(event_types, str) else event_types
    endpoints = matching_endpoints(talk)
    if not endpoints:
        return 0
    data = data()
    added = 0
    now = utcnow()
    for event_type in event_types:
        wanting = [row for row in endpoints if event_type in row.events.split()]
        bodies = {False: body(event_type, data)}
        if person is not None and any(row.include_personal_data for row in wanting):
            bodies[True] = body(event_type, {**data, PERSON: person()})
        for row in wanting:
            personal = row.include_personal_data and True in bodies
            db.session.add(
                WebhookDelivery(
                    endpoint_id=row.id,
                    webhook_id=new_webhook_id(),
                    event_type=event_type,
                    event_id=talk.id,
                    registration_id=registration_id,
                    payload=bodies[personal],
                    personal=personal,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        added += len(wanting)
    return added


def _matching_endpoints_query() -> sa.Select:
    links = webhook_endpoint_talk.c
    talk_id, owner_id = sa.bindparam("talk_id"), sa.bindparam("owner_id")
    on_team = sa.select(EventRole.organiser_id).where(EventRole.event_id == talk_id)
    limited = sa.exists().where(links.endpoint_id == WebhookEndpoint.id)
    to_this_talk = limited.where(links.event_id == talk_id)
    return (
        sa.select(WebhookEndpoint.id, WebhookEndpoint.events, WebhookEndpoint.include_personal_data)
        .join(Organiser, Organiser.id == WebhookEndpoint.owner_id)
        .where(
            WebhookEndpoint.enabled.is_(True),
            Organiser.deactivated_at.is_(None),
            sa.or_(
                Organiser.is_admin.is_(True),
                Organiser.id == owner_id,
                Organiser.id.in_(on_team),
            ),
            sa.or_(~limited, to_this_talk),
        )
        .order_by(WebhookEndpoint.id)
    )


# Built once: every registration runs it, and building it cost more than running it.
_MATCHING_ENDPOINTS = _matching_endpoints_query()


def matching_endpoints(talk: Event) -> list[sa.Row]:
    """Return (id, events, include_personal_data) of the enabled endpoints that follow a talk."""
    # A talk without owner: the bound NULL matches no organiser, as IS NULL would.
    values = {"talk_id": talk.id, "owner_id": talk.owner_id}
    return db.session.execute(_MATCHING_ENDPOINTS, values).all()


# -- Payloads ------------------------------------------------------------------


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def talk_data(talk: Event) -> dict:
    """Return what a receiver needs to know of a talk: no one's personal data."""
    return {
        "id": talk.id,
        "slug": talk.slug,
        "title": talk.title,
        "status": talk.status,
        "starts_at": _moment(talk.starts_at),
        "ends_at": _moment(talk.ends_at),
        "timezone": talk.timezone,
        "capacity": talk.capacity,
        "seats_taken": talk.seats_taken,
        "url": public_url("events.detail", slug=talk.slug),
    }


def registration_data(registration: Registration) -> dict:
    """Return a registration's ids, status and times: nothing that names the person."""
    return {
        "id": registration.id,
        "talk_id": registration.event_id,
        "status": registration.status,
        "registered_at": _moment(registration.created_at),
        "cancelled_at": _moment(registration.cancelled_at),
        "joined_at": _moment(registration.joined_at),
        "attended_at": _moment(registration.attended_at),
    }


def person_data(registration: Registration) -> dict:
    """Return the person's details and answers, for endpoints that include personal data."""
    # Imported here: the registration package imports the services that import this module.
    from ..registration.answers import answer_lines

    return {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        "organisation": registration.organisation,
        "country": registration.country,
        "job_title": registration.job_title,
        "marketing_consent": registration.marketing_consent,
        "answers": [
            {"question": label, "answer": value}
            for label, value in answer_lines(registration.answers)
        ],
    }


def registration_event(event_types: str | tuple[str, ...], registration: Registration) -> int:
    """Emit events about a registration (the person for those who asked); the caller commits."""
    return emit(
        event_types,
        registration.event,
        lambda: registration_data(registration),
        person=lambda: person_data(registration),
        registration_id=registration.id,
    )


def talk_event(event_type: str, talk: Event) -> int:
    """Emit an event about a talk; the caller commits."""
    return emit(event_type, talk, lambda: talk_data(talk))


def erased_events(ids: Iterable[int]) -> int:
    """Emit registration.erased, ids only, for each of these registrations; the caller commits."""
    rows = db.session.execute(
        sa.select(Registration.id, Registration.event_id).where(Registration.id.in_(list(ids)))
    ).all()
    by_talk: dict[int, list[int]] = {}
    for registration_id, event_id in rows:
        by_talk.setdefault(event_id, []).append(registration_id)
    emitted = 0
    for event_id, registration_ids in by_talk.items():
        talk = db.session.get(Event, event_id)
        # The purge erases many at once: a talk nobody follows costs one query.
        if not matching_endpoints(talk):
            continue
        for registration_id in registration_ids:
            data = {"id": registration_id, "talk_id": event_id}
            emitted += emit("registration.erased", talk, lambda data=data: data,
                            registration_id=registration_id)  # fmt: skip
    return emitted


def strip_personal(condition: sa.ColumnElement[bool]) -> int:
    """Remove the person from stored payloads that hold one and meet condition; return how many.

    An unsent delivery then goes out with ids only. The caller commits.
    """
    rows = db.session.execute(
        sa.select(WebhookDelivery.id, WebhookDelivery.payload).where(
            WebhookDelivery.personal.is_(True), condition
        )
    ).all()
    if not rows:
        return 0
    stripped = []
    for row_id, payload in rows:
        parsed = json.loads(payload)
        parsed.get("data", {}).pop(PERSON, None)
        stripped.append(
            {"id": row_id, "payload": json.dumps(parsed, separators=(",", ":"), sort_keys=True),
             "personal": False}
        )  # fmt: skip
    db.session.execute(sa.update(WebhookDelivery), stripped)
    return len(stripped)
