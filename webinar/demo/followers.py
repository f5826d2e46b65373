"""Demo followers: a few people who confirmed that they follow the demo series."""

from __future__ import annotations

from datetime import timedelta

from ..extensions import db
from ..models import Follower, Series, utcnow

# (email, name, weeks since they confirmed); example.org addresses never reach anyone.
FOLLOWERS = (
    ("marta.rossi@example.org", "Marta Rossi", 10),
    ("jan.devries@example.org", "Jan de Vries", 7),
    ("ana.silva@example.org", "Ana Silva", 4),
    ("lukas.novak@example.org", "Lukas Novak", 2),
    ("eva.lindqvist@example.org", "Eva Lindqvist", 0),
)


def add_demo_followers() -> int:
    """Give every demo series the demo followers it lacks, confirmed; return how many were added.

    The caller commits.
    """
    added = 0
    now = utcnow()
    for series in db.session.scalars(db.select(Series)):
        known = set(
            db.session.scalars(
                db.select(Follower.email_normalised).where(Follower.series_id == series.id)
            )
        )
        for email, name, weeks in FOLLOWERS:
            if email in known:
                continue
            confirmed_at = now - timedelta(weeks=weeks)
            db.session.add(
                Follower(series=series, email=email, email_normalised=email, name=name,
                         language=series.language, privacy_consent_at=confirmed_at,
                         privacy_notice_version="1", confirmation_sent_at=confirmed_at,
                         confirmed_at=confirmed_at, created_at=confirmed_at)  # fmt: skip
            )
            added += 1
    return added
