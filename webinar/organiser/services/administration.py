"""What administrators do to accounts: deactivate and reactivate them, grant and remove the role.

There is always an active administrator: removing the role from, or
deactivating, the last one is refused. The check locks the rows of the
active administrators (FOR UPDATE on PostgreSQL; SQLite runs one write
transaction at a time) and counts them in the transaction of the change,
so two administrators removing each other at the same moment cannot both
succeed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ... import audit
from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import AuditAction, Organiser, PasswordResetToken, utcnow
from .accounts import AccountError
from .sessions import end_all_sessions


class AdministrationError(AccountError):
    """A change to an account that is refused; the message says why."""


# What cannot be done to the last active administrator, in whole sentences.
LAST_DEACTIVATED = _l("%(name)s is the only active administrator, so you cannot deactivate their "
                      "account: make someone else an administrator first.")
LAST_DEMOTED = _l("%(name)s is the only active administrator, so you cannot remove their role: "
                  "make someone else an administrator first.")


def _active_administrators() -> list[int]:
    """Return the ids of the active administrators, locking their rows until the commit."""
    return list(
        db.session.scalars(
            sa.select(Organiser.id)
            .where(Organiser.is_admin.is_(True), Organiser.deactivated_at.is_(None))
            .order_by(Organiser.id)
            .with_for_update()
        )
    )


def _lock(target: Organiser) -> list[int]:
    """Lock the active administrators and the target, read the target afresh; return the ids."""
    administrators = _active_administrators()
    db.session.refresh(target, with_for_update=True)
    return administrators


def _refuse_if_last_administrator(administrators: list[int], target: Organiser, refused):
    """Refuse, with the sentence `refused` about the target, to leave no active administrator."""
    if administrators == [target.id]:
        raise AdministrationError(str(refused) % {"name": target.name})


def deactivate(target: Organiser, actor: Organiser) -> None:
    """Stop an account from signing in and end its sessions on every browser; commit."""
    if target.id == actor.id:
        raise AdministrationError(_("You cannot deactivate your own account."))
    administrators = _lock(target)
    if not target.is_active:
        raise AdministrationError(_("%(name)s's account is deactivated already.", name=target.name))
    _refuse_if_last_administrator(administrators, target, LAST_DEACTIVATED)
    now = utcnow()
    target.deactivated_at = now
    end_all_sessions(target.id)
    # A reset link sent before must not bring the account back.
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.organiser_id == target.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    audit.record(AuditAction.ACCOUNT_DEACTIVATED, actor=actor, details=target.email)
    db.session.commit()


def reactivate(target: Organiser, actor: Organiser) -> None:
    """Let a deactivated account sign in again; commit."""
    _lock(target)
    if target.is_active:
        raise AdministrationError(_("%(name)s's account is active already.", name=target.name))
    target.deactivated_at = None
    audit.record(AuditAction.ACCOUNT_REACTIVATED, actor=actor, details=target.email)
    db.session.commit()


def grant_admin(target: Organiser, actor: Organiser) -> None:
    """Make an active organiser an administrator; commit."""
    _lock(target)
    if not target.is_active:
        raise AdministrationError(
            _("%(name)s's account is deactivated: reactivate it first.", name=target.name)
        )
    if target.is_admin:
        raise AdministrationError(_("%(name)s is an administrator already.", name=target.name))
    target.is_admin = True
    audit.record(AuditAction.ADMIN_GRANTED, actor=actor, details=target.email)
    db.session.commit()


def remove_admin(target: Organiser, actor: Organiser) -> None:
    """Make an administrator an ordinary organiser, unless they are the last active one; commit."""
    administrators = _lock(target)
    if not target.is_admin:
        raise AdministrationError(_("%(name)s is not an administrator.", name=target.name))
    _refuse_if_last_administrator(administrators, target, LAST_DEMOTED)
    target.is_admin = False
    audit.record(AuditAction.ADMIN_REMOVED, actor=actor, details=target.email)
    db.session.commit()
