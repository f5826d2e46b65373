"""Telling a series' followers about a talk just published: one job, many emails, each once.

Publishing a talk of a series writes one SeriesMailing row in the publish's
transaction (schedule); the worker claims due rows through webinar.queue
(announce_due, a task of webinar.jobs run on every pass) and writes the emails in batches of
BATCH_SIZE followers, each batch in one transaction with the
FollowerAnnouncement rows that record who was told. That table's unique
(follower, talk) index is what keeps a follower from hearing of the same
talk twice: after an unpublish and a new publish, a second job finds
everyone already told, and two workers racing on one talk each write only
the rows they inserted first. A crash mid-way leaves the job "sending"; it
is released as stuck and picks up where it stopped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from . import queue
from .database import inserted
from .extensions import db
from .models import (
    Event,
    EventStatus,
    Follower,
    FollowerAnnouncement,
    OutboxEmail,
    OutboxStatus,
    SeriesMailing,
    utcnow,
)
from .notifications.followers import announcement_row

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Jobs claimed per pass: each may write thousands of emails.
JOBS_PER_PASS = 5


@dataclass(frozen=True)
class Job:
    """A claimed SeriesMailing, as webinar.queue settles it."""

    id: int
    event_id: int
    attempts: int
    claimed_at: datetime

    @property
    def label(self) -> str:
        return f"Series mailing {self.id} (talk {self.event_id})"

    @classmethod
    def from_row(cls, row: SeriesMailing, claimed_at: datetime) -> Job:
        return cls(row.id, row.event_id, row.attempts, claimed_at)


def schedule(event: Event) -> SeriesMailing | None:
    """Add the job of announcing a talk to its series' followers; the caller commits."""
    if event.series_id is None:
        return None
    mailing = SeriesMailing(event_id=event.id, status=OutboxStatus.PENDING)
    db.session.add(mailing)
    return mailing


def followers_to_tell(event: Event, after_id: int):
    """Return the next batch of the series' followers not yet told of this talk."""
    told = (
        db.select(FollowerAnnouncement.id)
        .where(
            FollowerAnnouncement.follower_id == Follower.id,
            FollowerAnnouncement.event_id == event.id,
        )
        .exists()
    )
    return db.session.scalars(
        db.select(Follower)
        .where(
            Follower.series_id == event.series_id,
            Follower.confirmed_at.is_not(None),
            Follower.unsubscribed_at.is_(None),
            Follower.anonymised_at.is_(None),
            Follower.id > after_id,
            ~told,
        )
        .order_by(Follower.id)
        .limit(BATCH_SIZE)
    ).all()


def still_news(event: Event | None) -> bool:
    """Say whether the talk is still worth announcing: published and not yet started."""
    return (
        event is not None
        and event.status == EventStatus.PUBLISHED
        and event.series_id is not None
        and event.starts_at > utcnow()
    )


def announce(job: Job) -> int:
    """Write the announcement of a job's talk to each follower not yet told; return how many."""
    written, last_id = 0, 0
    while True:
        event = db.session.get(Event, job.event_id)
        if not still_news(event):
            db.session.rollback()
            return written
        batch = followers_to_tell(event, last_id)
        if not batch:
            db.session.rollback()
            return written
        last_id = batch[-1].id
        rows = [{"follower_id": f.id, "event_id": event.id, "created_at": utcnow()} for f in batch]
        # Only the followers whose record this batch inserted are told by it.
        new = _insert_told(rows)
        emails = [announcement_row(f, event) for f in batch if f.id in new]
        if emails:
            db.session.execute(db.insert(OutboxEmail), emails)
        db.session.execute(
            db.update(SeriesMailing)
            .where(SeriesMailing.id == job.id)
            .values(written=SeriesMailing.written + len(emails))
        )
        db.session.commit()
        written += len(emails)


def _insert_told(rows: list[dict]) -> set[int]:
    """Insert "told" records, skipping those another job holds; return the followers inserted."""
    return {row.follower_id for row in inserted(FollowerAnnouncement, rows,
                                                FollowerAnnouncement.follower_id)}  # fmt: skip


def announce_due(_now: datetime | None = None) -> int:
    """Run the due series mailings; return how many emails they wrote."""
    written = 0
    for job in queue.claim_due(SeriesMailing, JOBS_PER_PASS, Job.from_row):
        try:
            count = announce(job)
        except Exception as error:
            db.session.rollback()
            logger.exception("%s failed", job.label)
            queue.retry_later(SeriesMailing, job, f"{type(error).__name__}: {error}")
            continue
        queue.settle(SeriesMailing, job, status=OutboxStatus.SENT, done_at=utcnow())
        if count:
            current_app.logger.info("%s: %d announcements written", job.label, count)
        written += count
    return written

