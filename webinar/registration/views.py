"""Attendee pages: the form, the personal page, its calendar file and the join link."""

from __future__ import annotations

from datetime import timedelta

import flask_babel
import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from limits import parse_many
from sqlalchemy.orm import joinedload, selectinload

from .. import seats, talk_languages
from ..clients import client_address
from ..database import PreparedRead
from ..events.queries import public_event
from ..extensions import db, limiter
from ..languages import lazy_gettext as _l
from ..mail.render import personal_calendar, times
from ..models import Event, EventStatus, Registration, RegistrationStatus, utcnow
from ..models.event import registration_state
from ..notifications.followers import follower_of_link
from ..privacy import erase
from . import bp
from .form_page import (
    FORM_STATES,
    empty_form_page,
    last_talk_version,
    received_page,
    source_values,
    talk_version,
)
from .forms import ConfirmForm
from .talk_form import talk_form_class

# The join link works from this long before the start until the end.
JOIN_OPENS_BEFORE = timedelta(minutes=15)
# How many times a registration is checked against a talk whose form keeps changing.
TRIES = 3
# How often a join is written down for one person: "last joined" to the minute.
JOIN_NOTED_EVERY = timedelta(minutes=1)

TOO_MANY_FROM_CLIENT = _l(
    "Too many registrations for this talk have come from your internet connection in the "
    "last hour, so this one was not saved. Please try again later."
)


def registration_rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def client_may_register(event: Event) -> bool:
    """Count a registration of this client for this talk; False when past the limit."""
    if not limiter.enabled:
        return True
    keys = ("registrations", client_address(), str(event.id))
    items = parse_many(current_app.config["REGISTRATIONS_PER_CLIENT_PER_TALK"])
    if not all(limiter.limiter.test(item, *keys) for item in items):
        return False
    for item in items:
        limiter.limiter.hit(item, *keys)
    return True


def answers_may_change(registration: Registration) -> bool:
    """Say whether a person may still change their answers: while the form would take them."""
    return (
        registration.anonymised_at is None
        and registration.status != RegistrationStatus.CANCELLED
        and bool(registration.event.questions)
        and registration.event.registration_state() in FORM_STATES
    )


def registration_for(token: str, *options) -> Registration:
    """Return the registration of a personal link, or 404; a join secret finds nothing.

    Its talk comes in the same query (every page of the link shows it);
    `options` load more of what a page shows.
    """
    query = db.select(Registration).where(Registration.token == token)
    registration = db.one_or_404(query.options(joinedload(Registration.event), *options))
    talk_languages.offer_page_languages(registration.event)
    return registration


def registration_to_join(token: str) -> Registration:
    """Return the registration of a join link, or 404.

    Join links sent before they had a secret of their own carry the personal
    token: they still join, and lead to nothing else from here. An erased
    registration joins nothing.
    """
    registration = db.session.execute(
        db.select(Registration).where(Registration.join_token == token)
    ).scalar_one_or_none()
    if registration is None:
        registration = registration_for(token)
    talk_languages.offer_page_languages(registration.event)
    if registration.anonymised_at is not None:
        abort(404)
    return registration


def private(response: Response | str, status: int = 200) -> Response:
    """Mark a page reached through a personal link: not cached, indexed or leaked as Referer."""
    response = current_app.make_response((response, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(registration_rate_limit, methods=["POST"])
def register(slug: str):
    """Register an attendee for an event."""
    # An empty form for a new visitor comes from the cache when it can.
    if request.method == "GET" and not request.args.get("follower"):
        page = empty_form_page(slug)
        if page is not None:
            return page
    counted = False
    # The talk's form can change while a person sends it: then it is checked again.
    for attempt in range(TRIES):
        # The talk's version and state, read on a connection of its own (on
        # SQLite a POST's write transaction starts only in seats.register).
        # A POST first tries the version this process saw last: the
        # transaction checks it, and a talk changed since costs one more try.
        version = (attempt == 0 and request.method == "POST" and last_talk_version(slug)) or (
            talk_version(slug)
        )
        if attempt:
            # The talk's languages may have changed with it: choose the language again.
            flask_babel.refresh()
        state = registration_state(version)
        if state not in FORM_STATES:
            event = public_event(slug, with_details=False)
            return render_template("registration/unavailable.html", event=event, state=state)
        form_class = talk_form_class(version, lambda: talk_with_questions(slug))
        form = form_class()
        submitted = form.validate_on_submit()

        if request.method == "GET":
            for name, value in source_values().items():
                getattr(form, name).data = value
            prefill_from_follow(form, request.args.get("follower", ""))
            break
        if not submitted:
            break
        if not form.is_spam():
            if not counted and not client_may_register(version):
                page = form_page(slug, form, refusal=TOO_MANY_FROM_CLIENT)
                return page, 429, {"Retry-After": "3600"}
            counted = True
            data = form.registration_data()
            data["answers"] = form.answers()
            data["privacy_notice_version"] = current_app.config["PRIVACY_NOTICE_VERSION"]
            # The emails to this person are written in the language they registered in.
            data["language"] = talk_languages.current_language()
            outcome = seats.register(version, data, form_version=form_class.talk_version)
            if outcome.status == seats.CHANGED:
                continue
            if outcome.status in (seats.FULL, seats.CLOSED):
                # The last seat went while the form was open: the page now says why.
                return redirect(url_for(".register", slug=slug), code=303)
        # Through the session, not the URL: addresses stay out of logs and histories.
        session["registered"] = {"slug": slug, "email": form.email.data}
        return redirect(url_for(".received", slug=slug), code=303)

    page = form_page(slug, form)
    # Filled in with a follower's address: a page for that person only.
    return private(page) if request.args.get("follower") else page


def form_page(slug: str, form, **values) -> str:
    """Render the form page of a talk for one visitor: errors, typed values, a refusal."""
    event = public_event(slug, with_details=False)
    # From the talk just read: a POST may have been checked against an older state.
    state = event.registration_state()
    if state not in FORM_STATES:
        return render_template("registration/unavailable.html", event=event, state=state)
    return render_template("registration/form.html", event=event, form=form, state=state, **values)


def talk_with_questions(slug: str) -> Event:
    """Return a public talk with its registration questions, or 404."""
    return public_event(slug, with_details=False, with_questions=True)


def prefill_from_follow(form, signed: str) -> None:
    """Fill in the form with what a follower gave, when they came from a series announcement.

    The person still sends the form themselves; the link names the follower
    by a signed id only, so it carries no address.
    """
    follower = follower_of_link(signed) if signed else None
    if follower is None:
        return
    first, _, last = follower.name.partition(" ")
    form.first_name.data, form.last_name.data = first, last
    form.email.data = follower.email


@bp.get("/events/<slug>/register/received")
def received(slug: str):
    """Say that the registration is received and a confirmation is on its way."""
    registered = session.get("registered") or {}
    return received_page(slug, registered.get("email") if registered.get("slug") == slug else None)


@bp.get("/registrations/<token>")
def manage(token: str):
    """Show an attendee their registration, the join details and what they can do."""
    registration = registration_for(
        token,
        selectinload(Registration.answers),
        # Only whether the talk has questions: may the answers still change.
        joinedload(Registration.event).selectinload(Event.questions),
    )
    event_time, own_time = times(registration)
    return private(
        render_template(
            "registration/manage.html",
            registration=registration,
            event=registration.event,
            event_time=event_time,
            own_time=own_time,
            opens_at=registration.event.starts_at - JOIN_OPENS_BEFORE,
            may_change_answers=answers_may_change(registration),
            saved=request.args.get("saved"),
        )
    )


@bp.get("/registrations/<token>.ics")
def calendar(token: str):
    """Download the attendee's own calendar file."""
    registration = registration_for(token)
    if not registration.is_active:
        abort(404)
    response = private(personal_calendar(registration))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{registration.event.slug}.ics"'
    )
    return response


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    """Ask for confirmation, then cancel the registration."""
    return confirm_then(token, "cancel", seats.cancel)


@bp.route("/registrations/<token>/delete", methods=["GET", "POST"])
def forget(token: str):
    """Ask for confirmation, then cancel the registration and erase the person's details."""
    return confirm_then(token, "delete", erase)


def confirm_then(token: str, action: str, perform):
    """Show the confirm page of an action on a registration; on a confirmed POST, do it."""
    registration = registration_for(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        perform(registration)
        return redirect(url_for(".manage", token=token), code=303)
    return private(
        render_template(
            "registration/confirm.html",
            registration=registration,
            event=registration.event,
            form=form,
            action=action,
        )
    )


# What the join link needs to send a confirmed attendee on, in one row: a
# click while the talk is on costs this one read (and a write once a minute).
_REGISTRATION, _EVENT = Registration.__table__, Event.__table__
_JOIN = PreparedRead(
    sa.select(
        _REGISTRATION.c.id, _REGISTRATION.c.last_joined_at, _EVENT.c.join_url,
        _EVENT.c.starts_at, _EVENT.c.ends_at,
    )
    .select_from(_REGISTRATION.join(_EVENT, _EVENT.c.id == _REGISTRATION.c.event_id))
    .where(
        _REGISTRATION.c.join_token == sa.bindparam("token"),
        _REGISTRATION.c.status == RegistrationStatus.CONFIRMED,
        _REGISTRATION.c.anonymised_at.is_(None),
        _EVENT.c.status != EventStatus.CANCELLED,
        _EVENT.c.join_url != "",
    )
)  # fmt: skip


@bp.get("/join/<token>")
def join(token: str):
    """Send an attendee to the talk while it is on, and note that they joined."""
    now = utcnow()
    row = _JOIN.one_or_none(db.engine, token=token)
    if row is not None and row.starts_at - JOIN_OPENS_BEFORE <= now < row.ends_at:
        return joined(row.id, row.join_url, row.last_joined_at, now)
    # Every other answer (not yet, ended, no seat, an old link) is a page that says why.
    registration = registration_to_join(token)
    event = registration.event
    opens_at = event.starts_at - JOIN_OPENS_BEFORE
    if (
        registration.status != RegistrationStatus.CONFIRMED
        or event.status == EventStatus.CANCELLED
        or not event.join_url
    ):
        reason = "no_seat"
    elif now < opens_at:
        reason = "not_yet"
    elif event.has_ended(now):
        reason = "ended"
    else:
        reason = None
    if reason:
        # Only what the link can do: whoever holds it may not be the person registered.
        page = render_template(
            "registration/join.html",
            status=registration.status,
            event=event,
            reason=reason,
            opens_at=opens_at,
        )
        return private(page)

    # Read before the commit below expires the loaded objects (no second SELECT).
    join_url, registration_id = event.join_url, registration.id
    last_joined_at = registration.last_joined_at
    # This GET writes. End the read transaction first, so that on SQLite the
    # UPDATE opens a transaction of its own and waits for the write lock
    # instead of failing to upgrade a read.
    db.session.commit()
    return joined(registration_id, join_url, last_joined_at, now)


def joined(registration_id: int, join_url: str, last_joined_at, now) -> Response:
    """Note the join (once a minute at most) and send the attendee to the talk."""
    # A click again within the minute changes nothing worth a write: people
    # click the link twice, and a whole audience clicks at the start.
    if last_joined_at is None or now - last_joined_at >= JOIN_NOTED_EVERY:
        note_join(registration_id, now)
    response = redirect(join_url, code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def note_join(registration_id: int, now) -> None:
    """Record that a confirmed attendee joined now (the first time is kept too)."""
    db.session.execute(
        sa.update(Registration)
        .where(
            Registration.id == registration_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .values(joined_at=sa.func.coalesce(Registration.joined_at, now), last_joined_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@bp.get("/privacy")
def privacy():
    """Show the privacy notice."""
    config = current_app.config
    return render_template(
        "registration/privacy.html",
        controller=config["PRIVACY_CONTROLLER"] or config["ORGANISER_NAME"],
        contact=config["PRIVACY_CONTACT"],
        retention_days=config["RETENTION_DAYS"],
        email_retention_days=config["EMAIL_BODY_RETENTION_DAYS"],
        version=config["PRIVACY_NOTICE_VERSION"],
    )
