"""Render the emails and the personal calendar file of a registration.

An email about a registration is written from templates/email/<kind>.txt and
.html by the worker, just before it is sent (webinar.mail.delivery): the
request that enqueued it only wrote its kind, registration, language and
subject, so the email shows the talk as it is when it goes out. Emails with
text of their own (announcements, follow-ups) are written when enqueued.
Either way the row holds exactly what was sent. Every link is absolute and
built from PUBLIC_URL, never from a request's Host header.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from icalendar import vCalAddress

from ..calendar import calendar_file, make_vevent, public_domain, public_url
from ..dates import span, zone_names
from ..languages import current_language
from ..languages import lazy_gettext as _l
from ..models import Registration, RegistrationStatus
from ..talk_languages import text_of
from ..text import one_line
from ..unsubscribe import NEWS_KINDS, unsubscribe_url

SUBJECTS = {
    "confirmation": _l("Your place at %(title)s"),
    "waitlisted": _l("You are on the waiting list for %(title)s"),
    "promoted": _l("A seat is now yours: %(title)s"),
    "already_registered": _l("You are already registered for %(title)s"),
    "cancelled": _l("Registration cancelled: %(title)s"),
    "reminder_24h": _l("Tomorrow: %(title)s"),
    "reminder_1h": _l("Starting in one hour: %(title)s"),
    "updated": _l("Changed: %(title)s"),
    "event_cancelled": _l("Cancelled: %(title)s"),
    "follow_up": _l("After the talk: %(title)s"),
    "announcement": "%(title)s",
}

# Kinds written with another kind's templates and subject.
TEMPLATES = {"confirmation_resend": "confirmation"}

# Kinds whose email carries the personal calendar file.
WITH_CALENDAR = (
    "confirmation", "promoted", "reminder_24h", "reminder_1h", "updated", "event_cancelled",
)  # fmt: skip
# The iTIP method of the calendar file: REQUEST and CANCEL make calendar apps
# update or remove the entry of the same UID that PUBLISH put there.
CALENDAR_METHODS = {"updated": "REQUEST", "event_cancelled": "CANCEL"}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text_body: str
    html_body: str
    ics: str | None = None
    unsubscribe_url: str | None = None


def links(registration: Registration) -> dict[str, str | None]:
    """Return the absolute links of a registration; the join link only for a seat.

    The personal link (manage_url) is for the person alone; the join link has
    a secret of its own, so a forwarded one opens the talk and nothing else.
    """
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return {
        "manage_url": public_url("registration.manage", token=registration.token),
        "join_url": public_url("registration.join", token=registration.join_token)
        if confirmed
        else None,
        "event_url": public_url("events.detail", slug=registration.event.slug),
        "privacy_url": public_url("registration.privacy"),
    }


def attendee_zone(registration: Registration) -> ZoneInfo | None:
    """Return the attendee's own time zone, when the browser gave a valid one."""
    name = registration.attendee_timezone
    return ZoneInfo(name) if name and name in zone_names() else None


def times(registration: Registration) -> tuple[str, str | None]:
    """Return the event's time in its zone and, when it reads differently, in the attendee's."""
    event = registration.event
    in_event_zone = span(event.starts_at, event.ends_at, event.timezone)
    zone = attendee_zone(registration)
    if zone is None:
        return in_event_zone, None
    in_own_zone = span(event.starts_at, event.ends_at, zone)
    return in_event_zone, (in_own_zone if in_own_zone != in_event_zone else None)


def render_email(
    kind: str,
    registration: Registration,
    *,
    subject: str | None = None,
    language: str | None = None,
    **extra,
) -> RenderedEmail:
    """Render the subject, text and HTML bodies (and calendar file) of one email.

    In the current language: callers set the person's (talk_languages.in_language).

    `extra` adds to (or overrides) the templates' context; `subject` replaces
    the kind's usual one. All of it is in one language: `language`, or else
    the request's (the site default in the worker).
    """
    with force_locale(language or current_language()):
        return _render_email(kind, registration, subject=subject, **extra)


def _render_email(
    kind: str, registration: Registration, *, subject: str | None, **extra
) -> RenderedEmail:
    event = registration.event
    event_time, own_time = times(registration)
    context = {
        "kind": kind,
        "registration": registration,
        "event": event,
        "event_time": event_time,
        "own_time": own_time,
        "own_zone": registration.attendee_timezone,
        "organiser_name": current_app.config["ORGANISER_NAME"],
        **links(registration),
        # News carries a one-click way out; emails about the registration do not.
        "unsubscribe_url": unsubscribe_url(registration) if kind in NEWS_KINDS else None,
        **extra,
    }
    subject = one_line(subject) if subject else render_subject(kind, registration)
    context["subject"] = subject
    ics = None
    if kind in WITH_CALENDAR:
        method = CALENDAR_METHODS.get(kind, "PUBLISH")
        ics = personal_calendar(registration, method=method).decode()
    return RenderedEmail(
        subject=subject,
        text_body=render_template(f"email/{kind}.txt", **context),
        html_body=render_template(f"email/{kind}.html", **context),
        ics=ics,
        unsubscribe_url=context["unsubscribe_url"],
    )


def template_of(kind: str) -> str:
    """Return the templates an email of this kind is written with."""
    return TEMPLATES.get(kind, kind)


def render_subject(kind: str, registration: Registration) -> str:
    """Return the usual subject of an email of this kind, in the current language."""
    title = text_of(registration.event, "title")
    return one_line(str(SUBJECTS[template_of(kind)]) % {"title": title})


def registration_uid(registration: Registration) -> str:
    """Return the UID of a registration's calendar entry, stable for its whole life."""
    return f"registration-{registration.id}@{public_domain()}"


def sender_address() -> str:
    """Return the bare address emails are sent from."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"] or ""
    # Flask-Mail also takes a (name, address) pair.
    address = sender[1] if isinstance(sender, tuple | list) else parseaddr(sender)[1]
    return address or "no-reply@localhost"


def personal_calendar(registration: Registration, method: str = "PUBLISH") -> bytes:
    """Return the attendee's own calendar file: with the join link when they hold a seat.

    Never the personal link: calendar entries end up in shared calendars.
    """
    event = registration.event
    urls = links(registration)
    url = urls["join_url"] or urls["event_url"]
    summary = text_of(event, "summary").strip()
    lines = [summary] if summary else []
    if urls["join_url"]:
        lines.append(gettext("Join the talk: %(url)s", url=urls["join_url"]))
    else:
        lines.append(gettext("You are on the waiting list; we will email you if a seat frees up."))
    lines.append(gettext("About the talk: %(url)s", url=urls["event_url"]))
    vevent = make_vevent(
        event, uid=registration_uid(registration), url=url, description="\n\n".join(lines)
    )
    if method != "PUBLISH":
        # Scheduling messages (RFC 5546) name who sends them.
        organizer = vCalAddress(f"mailto:{sender_address()}")
        organizer.params["cn"] = current_app.config["ORGANISER_NAME"]
        vevent.add("organizer", organizer)
    return calendar_file([vevent], name=one_line(text_of(event, "title")), method=method)
