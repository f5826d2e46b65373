"""Helpers shared by the outbox tests."""

from webinar.extensions import db
from webinar.models import OutboxEmail


def add_email(app, **fields) -> int:
    """Insert a pending outbox email (due now unless told otherwise) and return its id."""
    values = {
        "kind": "confirmation",
        "recipient": "ann@example.org",
        "subject": "Registered",
        "text_body": "Hello",
    }
    values.update(fields)
    with app.app_context():
        row = OutboxEmail(**values)
        db.session.add(row)
        db.session.commit()
        return row.id
