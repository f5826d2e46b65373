"""Pages of a list in order of change, (updated_at, id), continued by a cursor.

A client syncing a list asks for what changed since its last sync and reads
pages until next_cursor is null; a row changed meanwhile comes again later,
so nothing is missed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Select

from ..extensions import db


def page_by_change(query: Select, model, args: dict) -> dict:
    """Return {"items", "next_cursor"} of the query, for PageArgs (cursor, limit, updated_since)."""
    updated, row_id = model.updated_at, model.id
    if "updated_since" in args:
        query = query.where(updated >= args["updated_since"])
    if "cursor" in args:
        moment, last_id = args["cursor"]
        query = query.where(sa.or_(updated > moment, sa.and_(updated == moment, row_id > last_id)))
    limit = args["limit"]
    rows = db.session.scalars(query.order_by(updated, row_id).limit(limit + 1)).all()
    items = rows[:limit]
    more = len(rows) > limit
    return {"items": items, "next_cursor": (items[-1].updated_at, items[-1].id) if more else None}
