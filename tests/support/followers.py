"""Plugin: a series with followers, and following through the pages.

`a_series` is a stored Series ("Cluster Voices"); `make_follower` stores a
confirmed follower of it directly; `follow_through_form` and
`confirm_link_of` go through the public form and the emailed link as a
person does.
"""

from __future__ import annotations

import re

import pytest

from support.factories import stored
from support.forms import csrf_token
from webinar.extensions import db
from webinar.models import Follower, Series, utcnow

FOLLOW_FORM = {"email": "ada@example.org", "name": "Ada Lovelace", "consent_privacy": "y"}


@pytest.fixture
def a_series(make_series) -> Series:
    """A series of talks, stored and detached."""
    return make_series(name="Cluster Voices", slug="cluster-voices", language="en")


@pytest.fixture
def make_follower(app, a_series):
    """Store a confirmed follower of `a_series` (or of `series_id`); return its id."""
    counter = iter(range(1, 1_000_000))

    def make(series_id: int | None = None, **fields) -> int:
        number = next(counter)
        values = {
            "series_id": series_id or a_series.id,
            "email": f"follower{number}@example.org",
            "name": f"Follower {number}",
            "language": "en",
            "privacy_consent_at": utcnow(),
            "privacy_notice_version": "1",
            "confirmed_at": utcnow(),
            **fields,
        }
        values.setdefault("email_normalised", values["email"].lower())
        return stored(app, Follower(**values)).id

    return make


def add_followers(app, series_id: int, count: int) -> None:
    """Store `count` confirmed followers of a series in one statement."""
    now = utcnow()
    with app.app_context():
        db.session.execute(
            db.insert(Follower),
            [
                {
                    "series_id": series_id,
                    "email": f"crowd{n}@example.org",
                    "email_normalised": f"crowd{n}@example.org",
                    "name": f"Crowd {n}",
                    "language": "en",
                    "privacy_consent_at": now,
                    "privacy_notice_version": "1",
                    "confirmed_at": now,
                    "token": f"crowd-token-{n:040d}",
                    "unsubscribe_token": f"crowd-unsub-{n:040d}",
                    "created_at": now,
                }
                for n in range(count)
            ],
        )
        db.session.commit()


def follow_through_form(client, slug: str, **changes):
    """Open the follow page of a series, fill in its form (changed by `changes`) and send it."""
    page = client.get(f"/series/{slug}/follow")
    form = dict(FOLLOW_FORM, csrf_token=csrf_token(page.data))
    for name, value in changes.items():
        if value is None:
            form.pop(name, None)
        else:
            form[name] = value
    return client.post(f"/series/{slug}/follow", data=form)


def confirm_link_of(text: str) -> str:
    """Return the path of the confirmation link in an email's text."""
    match = re.search(r"https?://[^/\s]+(/follow/confirm/\S+)", text)
    assert match, "the email has no confirmation link"
    return match.group(1)


# The links of the site tour's followers (tour_followers).
TOUR_SUBSCRIPTIONS, TOUR_CONFIRM = "m" * 43, "c" * 43
TOUR_UNSUBSCRIBE, TOUR_UNSUBSCRIBED = "u" * 43, "s" * 43


def tour_followers(app, series_slug: str = "eu-clusters-talk") -> int:
    """Give the demo series' followers known links: one following, one who stopped, one waiting.

    Return the series' id.
    """
    from webinar.followers import token_hash

    with app.app_context():
        series = db.session.scalars(db.select(Series).where(Series.slug == series_slug)).one()
        following, stopped = db.session.scalars(
            db.select(Follower)
            .where(Follower.series_id == series.id)
            .order_by(Follower.id)
            .limit(2)
        ).all()
        following.token, following.unsubscribe_token = TOUR_SUBSCRIPTIONS, TOUR_UNSUBSCRIBE
        stopped.unsubscribe_token, stopped.unsubscribed_at = TOUR_UNSUBSCRIBED, utcnow()
        db.session.add(
            Follower(series=series, email="waiting@example.org",
                     email_normalised="waiting@example.org", name="Wai Ting",
                     confirm_token_hash=token_hash(TOUR_CONFIRM),
                     confirmation_sent_at=utcnow())  # fmt: skip
        )
        db.session.commit()
        return series.id
