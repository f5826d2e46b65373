"""The Organisers page: every account with its last sign-in, and the open invitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import AuditAction, AuditEntry, Invitation, Organiser


@dataclass(frozen=True)
class Account:
    """One row of the accounts table."""

    organiser: Organiser
    last_sign_in: datetime | None


def accounts() -> list[Account]:
    """Return every account, by name, with its last sign-in read from the audit log."""
    last_sign_in = (
        sa.select(sa.func.max(AuditEntry.at))
        .where(AuditEntry.actor_id == Organiser.id, AuditEntry.action == AuditAction.SIGN_IN)
        .correlate(Organiser)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Organiser, last_sign_in).order_by(Organiser.name, Organiser.email)
    )
    return [Account(organiser, at) for organiser, at in rows]


def open_invitations() -> list[Invitation]:
    """Return the invitations neither accepted nor revoked, newest first (expired ones too)."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .options(selectinload(Invitation.invited_by), selectinload(Invitation.email_row))
            .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        )
    )
