"""What registrants hear about a talk after it: the follow-up and the organisers' announcements.

The content of those emails (template values, previews for the organiser,
who they would reach); webinar.notifications enqueues them.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from .calendar import public_url
from .extensions import db
from .mail.render import RenderedEmail, render_email
from .markup import render_markdown, web_link
from .models import (
    ANNOUNCEMENT_AUDIENCES,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    utcnow,
)
from .talk_languages import text_of
from .unsubscribe import receives_news


def registrants(event: Event, *statuses: str):
    """Return a query of the event's registrations with these statuses."""
    return db.select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(statuses)
    )


# -- Follow-up ---------------------------------------------------------------


def follow_up_materials(event: Event) -> list[tuple[str, str]]:
    """Return (title, absolute URL) of the event's slides and other materials."""
    found = []
    for material in event.materials:
        if material.filename:
            url = public_url("events.upload", filename=material.filename)
            found.append((text_of(material, "title"), url))
        elif web_link(material.url):
            found.append((text_of(material, "title"), web_link(material.url)))
    return found


def follow_up_missing(event: Event, now: datetime | None = None) -> str | None:
    """Say why the follow-up cannot be sent yet, or None when it can."""
    if event.status != EventStatus.PUBLISHED:
        return f"The talk is {event.status}: there is nothing to follow up."
    if not event.has_ended(now):
        return _("The follow-up can be sent once the talk has ended.")
    if not (web_link(event.recording_url) or event.post_summary.strip() or event.materials):
        return _(
            "Add a recording, a summary or slides first: the follow-up is there to share them."
        )
    return None


def follow_up_context(registration: Registration) -> dict:
    """Return the template values of one follow-up: thanks for attendees, catch-up for no-shows."""
    event = registration.event
    attended = registration.joined_at is not None
    opening = _("Thank you for joining") if attended else _("Sorry we missed you")
    return {
        "attended": attended,
        "subject": f"{opening}: {text_of(event, 'title')}",
        "recording_url": web_link(event.recording_url),
        "summary_html": render_markdown(text_of(event, "post_summary")),
        "summary_text": text_of(event, "post_summary").strip(),
        "materials": follow_up_materials(event),
        # The talk is over: no join link, and no calendar file.
        "join_url": None,
    }


def sample_registration(
    event: Event, *, joined: bool = False, status: str = RegistrationStatus.CONFIRMED
):
    """Return an unsaved registration for previews: placeholder name, no real address."""
    return Registration(
        id=0,
        event=event,
        token="preview",
        join_token="preview",
        unsubscribe_token="preview",
        first_name="[first name]",
        last_name="[last name]",
        email="",
        status=status,
        attendee_timezone="",
        joined_at=utcnow() if joined else None,
    )


def preview_follow_up(event: Event) -> dict[str, RenderedEmail]:
    """Render both follow-ups, for attendees and for no-shows, as they would be sent."""
    previews = {}
    for version, joined in (("attended", True), ("missed", False)):
        sample = sample_registration(event, joined=joined)
        previews[version] = render_email("follow_up", sample, **follow_up_context(sample))
    return previews


def follow_up_counts(event: Event) -> dict[str, int]:
    """Return how many confirmed registrants joined the talk and how many did not."""
    joined = Registration.joined_at.is_not(None)
    rows = db.session.execute(
        registrants(event, RegistrationStatus.CONFIRMED)
        .with_only_columns(joined.label("joined"), db.func.count())
        .group_by(joined)
    ).all()
    counts = {"attended": 0, "missed": 0}
    for did_join, count in rows:
        counts["attended" if did_join else "missed"] += count
    return counts


# -- Announcements -----------------------------------------------------------


def announcement_context(subject: str, body: str) -> dict:
    """Return the template values of an announcement: sanitised HTML and the text as written."""
    return {
        "subject": subject,
        "message_html": render_markdown(body),
        "message_text": body.strip(),
    }


def audience_count(event: Event, audience: str) -> int:
    """Return how many people an announcement to this audience would reach."""
    query = registrants(event, *ANNOUNCEMENT_AUDIENCES[audience]).where(
        Registration.anonymised_at.is_(None), receives_news()
    )
    return db.session.scalar(query.with_only_columns(db.func.count()))


def preview_announcement(event: Event, audience: str, subject: str, body: str) -> RenderedEmail:
    """Render an announcement as a person of this audience would receive it."""
    waitlisted = audience == RegistrationStatus.WAITLISTED
    status = RegistrationStatus.WAITLISTED if waitlisted else RegistrationStatus.CONFIRMED
    sample = sample_registration(event, status=status)
    return render_email("announcement", sample, **announcement_context(subject, body))
