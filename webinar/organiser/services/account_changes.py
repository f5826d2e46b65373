"""An organiser's changes to their own account: name, password, signing out everywhere.

The change of email, which needs a link, is in email_change.py; two-factor
sign-in and its recovery codes in two_factor.py. Each change leaves one
entry in the audit log, in its transaction.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ... import audit
from ...extensions import db
from ...languages import languages
from ...models import AuditAction, Organiser
from ...notifications.accounts import enqueue_password_changed
from .accounts import AccountError, check_current_password, check_password_rule, set_password
from .sessions import end_all_sessions


def change_name(organiser: Organiser, name: str) -> bool:
    """Give the organiser a new name; commit. False when it is the name they have."""
    name = " ".join(name.split())
    if not name:
        raise AccountError(_("Enter your name."))
    return _set(organiser, "name", name, AuditAction.NAME_CHANGED)


def change_language(organiser: Organiser, language: str) -> bool:
    """Set the organiser's own language; commit. False when it is the one they have."""
    if language not in languages():
        raise AccountError(_("Choose one of the site's languages."))
    return _set(organiser, "language", language, AuditAction.LANGUAGE_CHANGED)


def _set(organiser: Organiser, attribute: str, value: str, action: AuditAction) -> bool:
    """Change one of the organiser's own settings with its audit entry; commit; False if same."""
    old = getattr(organiser, attribute)
    if value == old:
        return False
    setattr(organiser, attribute, value)
    audit.record(action, actor=organiser, details=f"{old} -> {value}")
    db.session.commit()
    return True


def change_password(
    organiser: Organiser, current: str, new: str, keep_session: str | None
) -> None:
    """Replace the password, given the current one; end every session but keep_session; commit.

    Raise PasswordNotAccepted for a wrong current password and AccountError for
    a new one the rules refuse. The organiser is told by email.
    """
    check_current_password(organiser, current)
    check_password_rule(new, organiser.email, organiser.name)
    enqueue_password_changed(organiser, kept_one=keep_session is not None)
    audit.record(AuditAction.PASSWORD_CHANGED, actor=organiser)
    set_password(organiser, new, keep_session=keep_session)


def sign_out_everywhere(organiser: Organiser) -> int:
    """End every session of the organiser, this browser's too; commit; return how many."""
    audit.record(AuditAction.SIGNED_OUT_EVERYWHERE, actor=organiser)
    ended = end_all_sessions(organiser.id)
    db.session.commit()
    return ended
