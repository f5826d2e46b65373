"""Emails to the followers of a series: the link that confirms following, and new talks.

Each is rendered from templates/email/<kind>.txt and .html when enqueued and
belongs to the follower (OutboxEmail.follower_id), so erasing the follower
erases them. Both carry the follower's "my subscriptions" link; the
announcement also carries the one-click unsubscribe link (RFC 8058), which
becomes its List-Unsubscribe header.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeSerializer

from ..calendar import public_url
from ..dates import event_when
from ..extensions import db
from ..languages import current_language, languages
from ..languages import lazy_gettext as _l
from ..models import Event, Follower, OutboxEmail, OutboxStatus, Series, utcnow
from ..talk_languages import text_of
from ..text import one_line
from .caps import canonical_mailbox, hold, mailbox_is_full

SUBJECTS = {
    "follow_confirmation": _l("Confirm that you want to follow %(series)s"),
    "series_announcement": _l("New in %(series)s: %(title)s"),
}
# Where registrations that came from an announcement say they came from (the
# organiser's figures count them under this source).
SOURCE = {"utm_source": "follower-email", "utm_medium": "email"}
PREFILL_SALT = "follower-registration"


def follower_links(follower: Follower) -> dict[str, str]:
    """Return the absolute links every email to a follower carries."""
    return {
        "subscriptions_url": public_url("following.subscriptions", follower_token=follower.token),
        "series_url": series_page_url(follower.series),
        "privacy_url": public_url("registration.privacy"),
    }


def series_page_url(series: Series) -> str:
    """Return the absolute address of a series' public page."""
    return public_url("series.page", series_slug=series.slug)


def email_language(follower: Follower) -> str:
    """Return the language of a follower's emails: theirs, or the request's if it is not offered."""
    return follower.language if follower.language in languages() else current_language()


def follower_email(kind: str, follower: Follower, **context) -> dict:
    """Render one email to a follower, all in their language; return its outbox row's values."""
    with force_locale(email_language(follower)):
        return _follower_email(kind, follower, **context)


def _follower_email(kind: str, follower: Follower, *, unsubscribe_url: str | None = None,
                    **context) -> dict:  # fmt: skip
    series = follower.series
    event = context.get("event")
    if event is not None:
        context["event_time"] = event_when(event)
    subject = one_line(
        str(SUBJECTS[kind]) % {"series": series.name,
                               "title": text_of(event, "title") if event else ""}
    )
    context = {
        "subject": subject,
        "follower": follower,
        "series": series,
        "organiser_name": current_app.config["ORGANISER_NAME"],
        "site_name": current_app.config["SITE_NAME"],
        "unsubscribe_url": unsubscribe_url,
        **follower_links(follower),
        **context,
    }
    now = utcnow()
    return {
        "kind": kind,
        "follower_id": follower.id,
        "registration_id": None,
        "recipient": follower.email,
        "mailbox": canonical_mailbox(follower.email),
        "subject": subject,
        "text_body": render_template(f"email/{kind}.txt", **context),
        "html_body": render_template(f"email/{kind}.html", **context),
        "ics": None,
        "unsubscribe_url": unsubscribe_url,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "last_error": "",
        "next_attempt_at": now,
        "created_at": now,
    }


def enqueue_follow_confirmation(follower: Follower, confirm_url: str) -> OutboxEmail:
    """Send the link that starts following; held past the mailbox cap; the caller commits."""
    row = follower_email(
        "follow_confirmation",
        follower,
        confirm_url=confirm_url,
        days=current_app.config["FOLLOW_CONFIRM_DAYS"],
    )
    # Counted before the row is added: the query would flush it and count it too.
    full = mailbox_is_full(row["mailbox"])
    email = OutboxEmail(**row)
    if full:
        hold(email)
    db.session.add(email)
    return email


def unsubscribe_url(follower: Follower) -> str:
    """Return the absolute one-click unsubscribe link of a follower."""
    return public_url("following.unsubscribe", unfollow_token=follower.unsubscribe_token)


def register_url(follower: Follower, event: Event) -> str:
    """Return the link to the talk's form, filled in with the follower's details and source.

    The follower is named by a signed id, not by the address: links end up in
    logs and browser histories.
    """
    signed = URLSafeSerializer(current_app.secret_key, salt=PREFILL_SALT).dumps(follower.id)
    return public_url(
        "registration.register",
        slug=event.slug,
        follower=signed,
        utm_campaign=follower.series.slug,
        **SOURCE,
    )


def follower_of_link(signed: str) -> Follower | None:
    """Return the follower a register link was made for, while they follow; otherwise None."""
    try:
        follower_id = URLSafeSerializer(current_app.secret_key, salt=PREFILL_SALT).loads(signed)
    except BadSignature:
        return None
    if not isinstance(follower_id, int):
        return None
    follower = db.session.get(Follower, follower_id)
    return follower if follower is not None and follower.anonymised_at is None else None


def announcement_row(follower: Follower, event: Event) -> dict:
    """Render the email announcing a talk to one follower and return its row's values."""
    return follower_email(
        "series_announcement",
        follower,
        unsubscribe_url=unsubscribe_url(follower),
        event=event,
        event_url=public_url("events.detail", slug=event.slug),
        register_url=register_url(follower, event),
    )
