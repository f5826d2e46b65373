"""Organiser sessions held on the server: signing out, a new password or idleness ends them.

The session cookie carries a random id next to the organiser's; a browser is
signed in only while a row with that id exists and was used within
LOGIN_IDLE_MINUTES. Deleting the row ends the session, also for anyone who
copied the cookie.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user, logout_user

from ...extensions import db, login_manager
from ...models import Organiser, OrganiserSession, utcnow

SESSION_KEY = "organiser_session"
# Between the password and the code of two-factor sign-in the browser holds
# only "the password of organiser X was right", for a few minutes: not a session.
AWAITING_CODE_KEY = "awaiting_code"
AWAITING_CODE_FOR = timedelta(minutes=5)
# How stale last_seen_at may get before a request writes it again: keeps
# the writes to one a minute per browser, however many pages it opens.
NOTE_ACTIVITY_EVERY = timedelta(minutes=1)


def idle_since(now: datetime) -> datetime:
    """Return the moment before which an unused session has ended."""
    return now - timedelta(minutes=current_app.config["LOGIN_IDLE_MINUTES"])


def start_session(organiser: Organiser) -> None:
    """Sign the organiser in on this browser, in a fresh session; commit."""
    session_id = secrets.token_urlsafe(32)
    db.session.add(OrganiserSession(id=session_id, organiser_id=organiser.id))
    db.session.commit()
    # Nothing set before sign-in carries over (session fixation).
    session.clear()
    session[SESSION_KEY] = session_id
    login_user(organiser)


def await_code(organiser: Organiser) -> None:
    """Remember on this browser that the organiser's password was right and a code is due."""
    session.clear()
    session[AWAITING_CODE_KEY] = {
        "organiser": organiser.id,
        "until": (utcnow() + AWAITING_CODE_FOR).timestamp(),
    }


def awaiting_code() -> int | None:
    """Return the organiser whose code this browser may enter now, if any."""
    awaiting = session.get(AWAITING_CODE_KEY)
    if not isinstance(awaiting, dict) or awaiting.get("until", 0) <= utcnow().timestamp():
        return None
    return awaiting.get("organiser")


def end_session() -> None:
    """Sign this browser out, on the server as well as in its cookie; commit."""
    session_id = session.get(SESSION_KEY)
    if session_id:
        db.session.execute(sa.delete(OrganiserSession).where(OrganiserSession.id == session_id))
        db.session.commit()
    logout_user()
    session.clear()


def this_session_id() -> str | None:
    """Return the id of the session this browser is signed in with, if any."""
    return session.get(SESSION_KEY)


def end_all_sessions(organiser_id: int, keep: str | None = None) -> int:
    """End every session of an organiser but `keep`, on every browser; return how many.

    The caller commits.
    """
    ended = sa.delete(OrganiserSession).where(OrganiserSession.organiser_id == organiser_id)
    if keep is not None:
        ended = ended.where(OrganiserSession.id != keep)
    return db.session.execute(ended).rowcount


def end_idle_sessions(now: datetime) -> int:
    """Delete the sessions unused for longer than LOGIN_IDLE_MINUTES; return how many."""
    return db.session.execute(
        sa.delete(OrganiserSession).where(OrganiserSession.last_seen_at <= idle_since(now))
    ).rowcount


@login_manager.user_loader
def load_organiser(organiser_id: str) -> Organiser | None:
    """Return the organiser signed in on this browser, while the server still holds its session."""
    session_id = session.get(SESSION_KEY)
    if not session_id or not organiser_id.isdigit():
        return None
    now = utcnow()
    found = db.session.execute(
        db.select(Organiser, OrganiserSession.last_seen_at)
        .join(OrganiserSession, OrganiserSession.organiser_id == Organiser.id)
        .where(
            OrganiserSession.id == session_id,
            Organiser.id == int(organiser_id),
            # A deactivated account is signed out at once, whatever cookie it holds.
            Organiser.deactivated_at.is_(None),
            OrganiserSession.last_seen_at > idle_since(now),
        )
    ).first()
    if found is None:
        return None
    organiser, last_seen_at = found
    if now - last_seen_at >= NOTE_ACTIVITY_EVERY:
        note_activity(session_id, now)
    return organiser


def note_activity(session_id: str, now: datetime) -> None:
    """Record that a session was used now, which keeps it from going idle; commit."""
    # The loader runs first in a request, so the transaction holds only its
    # read: end it, so that the write starts a transaction of its own. On
    # SQLite a read turned into a write fails at once when another write got
    # in between, and a second connection would wait on a POST's own lock.
    db.session.commit()
    db.session.execute(
        sa.update(OrganiserSession)
        .where(OrganiserSession.id == session_id)
        .values(last_seen_at=now)
    )
    db.session.commit()
