"""Everything templates can use besides their context: filters and globals, registered once."""

from flask import Flask
from flask_babel import ngettext

from . import calendar, dates, languages, markup, talk_languages, text, uploads
from .languages import lazy_gettext as _l
from .registration.answers import answer_lines
from .registration.views import JOIN_OPENS_BEFORE
from .series.feeds import xml_text


def init_app(app: Flask) -> None:
    """Register every template filter and global of the site, pages and emails alike."""
    app.jinja_env.filters.update(
        markdown=markup.render_markdown,
        web_link=markup.web_link,
        event_when=dates.event_when,
        event_date=dates.event_date,
        isoformat=dates.isoformat_utc,
        moment_in=dates.moment_in,
        local_minutes=dates.local_minutes,
        megabytes=uploads.megabytes,
        minutes=minutes,
        long_date=dates.long_date,
        xml_text=xml_text,
        # A talk's, speaker's, material's or question's text in the current language.
        tr=talk_languages.text_of,
        lang_attr=talk_languages.lang_attribute,
        marked=talk_languages.marked,
    )
    app.jinja_env.globals.update(
        site_name=app.config["SITE_NAME"],
        public_url=calendar.public_url,
        plural=text.plural,
        is_or_are=text.is_or_are,
        # A registration's answers as they read: (question, answer), in order.
        answer_lines=answer_lines,
        # Numbers the pages state, read from the code that enforces them (the
        # upload limits are settings: templates read them as config.BANNER_MAX_BYTES).
        join_opens_before=JOIN_OPENS_BEFORE,
        banner_size=uploads.BANNER_SIZE,
        # Each language named in itself, for the organiser's tabs of a talk's texts.
        language_names=languages.NAMES,
        material_kind=material_kind,
        status_text=status_text,
        email_kind=email_kind,
    )


# What a talk's material is, as its list says: "(slides, download)".
MATERIAL_KINDS = {"slides": _l("slides"), "link": _l("link")}


# A talk's or a registration's status and the state of its emails, as the organiser pages show them.
STATUS_TEXTS = {
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("Waitlisted"),
    "cancelled": _l("Cancelled"),
    "draft": _l("Draft"),
    "published": _l("Published"),
    "none": _l("None"),
    "sent": _l("Sent"),
    "pending": _l("Pending"),
    "sending": _l("Being sent"),
    "failed": _l("Failed"),
    "held": _l("Held back"),
}

# The emails a registration gets, as the attendee list names them.
EMAIL_KINDS = {
    "confirmation": _l("Confirmation"),
    "waitlisted": _l("On the waiting list"),
    "promoted": _l("Seat from the waiting list"),
    "already_registered": _l("Already registered"),
    "cancelled": _l("Registration cancelled"),
    "reminder_24h": _l("Reminder 24 hours before"),
    "reminder_1h": _l("Reminder 1 hour before"),
    "updated": _l("Talk changed"),
    "event_cancelled": _l("Talk cancelled"),
    "follow_up": _l("After the talk"),
    "announcement": _l("Announcement"),
}


def status_text(value: str) -> str:
    """Return a status in the reader's language: 'confirmed' reads 'Confirmed'."""
    return str(STATUS_TEXTS.get(value, value.capitalize()))


def email_kind(kind: str) -> str:
    """Return the name of a kind of email in the reader's language."""
    return str(EMAIL_KINDS.get(kind, kind.replace("_", " ")))


def material_kind(kind: str) -> str:
    """Return the name of a kind of material in the reader's language."""
    return str(MATERIAL_KINDS.get(kind, kind))


def minutes(duration) -> str:
    """Return a timedelta in whole minutes: '15 minutes'."""
    count = int(duration.total_seconds() // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", count)
