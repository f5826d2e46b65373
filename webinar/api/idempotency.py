"""Idempotency-Key on write requests: a retried request gets the first answer, and acts once.

The key is stored, with a hash of the request, in a transaction of its own
before the request is carried out; the unique index then stops a second
request with the same key, which is answered 409 while the first runs, the
first answer once it is stored, or 422 when its body differs. Keys last 24 hours.
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..models import IdempotentRequest, utcnow
from .auth import current_token
from .problems import problem_response, refuse

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(hours=24)
LONGEST_KEY = 200

OTHER_REQUEST = (
    "This Idempotency-Key was used for a different request in the last 24 hours; "
    "use a new key for a new request."
)
STILL_RUNNING = "A request with this Idempotency-Key is still being carried out; try again shortly."
NOT_A_KEY = (
    f"An Idempotency-Key is 1 to {LONGEST_KEY} printable ASCII characters, such as a UUID."
)
PRINTABLE = re.compile(r"[\x20-\x7e]+")


def idempotent(view):
    """Carry out a write view once per Idempotency-Key; without the header, as it is."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if len(key) > LONGEST_KEY or not PRINTABLE.fullmatch(key):
            refuse(400, NOT_A_KEY)
        claimed = _claim(key)
        if isinstance(claimed, IdempotentRequest):
            return _replay(claimed)
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except HTTPException as error:
            response = problem_response(error)
        except BaseException:
            _forget(claimed)
            raise
        if response.status_code >= 500:
            _forget(claimed)
        else:
            _keep(claimed, response)
        return response

    return wrapper


def request_hash() -> str:
    """Return the hash of what makes two requests the same: method, path, query and body."""
    digest = hashlib.sha256()
    for part in (request.method, request.full_path, request.get_data()):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _claim(key: str) -> int | IdempotentRequest:
    """Store the key in its own transaction and return its row's id, or return the answer stored.

    Nothing of the row is read after the commit, so no transaction stays
    open (on SQLite it would hold the write lock while the view runs).
    """
    token_id, fingerprint = current_token().id, request_hash()
    # Whatever the request read so far ends here: the key commits alone.
    db.session.commit()
    for _attempt in range(2):
        row = IdempotentRequest(
            token_id=token_id, key=key, request_hash=fingerprint, created_at=utcnow()
        )
        db.session.add(row)
        try:
            db.session.flush()
            row_id = row.id
            db.session.commit()
            return row_id
        except IntegrityError:
            db.session.rollback()
        stored = db.session.execute(
            db.select(IdempotentRequest).where(
                IdempotentRequest.token_id == token_id, IdempotentRequest.key == key
            )
        ).scalar_one_or_none()
        if stored is None:
            continue  # forgotten meanwhile: claim it again
        if stored.created_at < utcnow() - KEPT_FOR:
            _forget(stored.id)
            continue
        if stored.request_hash != fingerprint:
            refuse(422, OTHER_REQUEST)
        if stored.status_code is None:
            refuse(409, STILL_RUNNING)
        return stored
    refuse(409, STILL_RUNNING)


def _replay(stored: IdempotentRequest):
    response = current_app.response_class(
        stored.response_body or "", status=stored.status_code, mimetype=stored.mimetype
    )
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _keep(row_id: int, response) -> None:
    db.session.rollback()  # anything the view left open
    db.session.execute(
        sa.update(IdempotentRequest)
        .where(IdempotentRequest.id == row_id)
        .values(
            status_code=response.status_code,
            response_body=response.get_data(as_text=True),
            mimetype=response.mimetype,
            location=response.headers.get("Location"),
        )
    )
    db.session.commit()


def _forget(row_id: int) -> None:
    db.session.rollback()
    db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.id == row_id))
    db.session.commit()


def purge_expired(now) -> int:
    """Delete the keys older than 24 hours; return how many (a periodic task)."""
    result = db.session.execute(
        sa.delete(IdempotentRequest).where(IdempotentRequest.created_at < now - KEPT_FOR)
    )
    db.session.commit()
    return result.rowcount
