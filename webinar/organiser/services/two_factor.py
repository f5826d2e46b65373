"""Two-factor sign-in: a TOTP secret confirmed by a first code, recovery codes, the code step.

A code counts once: the time step of the last code used is stored, and only
a later step is accepted. A wrong code counts towards the same lockout as a
wrong password (accounts.count_failure).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import secrets

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from ... import audit
from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import Organiser, RecoveryCode, utcnow
from ...models.audit import AuditAction
from .accounts import (
    AccountError,
    check_current_password,
    count_failure,
    is_unlocked,
    not_locked,
)

RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be mistaken for one another when copied by hand.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10  # about 49 bits each
TOTP_CODE = re.compile(r"[0-9]{6}")
# Steps of 30 seconds accepted either side of now, for a phone clock a little off.
VALID_WINDOW = 1
WRONG_CODE = _l("That code is not right. Enter the code your app shows now.")


class TwoFactorError(AccountError):
    """A two-factor request that cannot be done; the message says why."""


def clean_code(code: str | None) -> str:
    """Return a typed code without spaces or hyphens, in lower case."""
    return "".join((code or "").split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """Return the time step whose code this is, near now and after last_step, or None."""
    if not TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(utcnow())
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        fresh = last_step is None or step > last_step
        if fresh and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash_recovery_code(code: str) -> str:
    # The codes are random and long, so a plain hash cannot be reversed by guessing.
    return hashlib.sha256(clean_code(code).encode()).hexdigest()


def start_set_up(organiser: Organiser) -> None:
    """Give an organiser without two-factor sign-in a new secret, to be confirmed; commit."""
    if organiser.has_two_factor:
        raise TwoFactorError(_("Two-factor sign-in is already on."))
    organiser.totp_secret = pyotp.random_base32()
    db.session.commit()


def provisioning_uri(organiser: Organiser) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(organiser.totp_secret).provisioning_uri(
        name=organiser.email, issuer_name=current_app.config["SITE_NAME"]
    )


def qr_code_data_uri(text: str) -> str:
    """Return a QR code of the text as an SVG data: URI, drawn here (no script in the page)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=5, border=4, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def grouped_secret(secret: str) -> str:
    """Return the secret in groups of four letters, easier to type into an app."""
    return " ".join(secret[index:index + 4] for index in range(0, len(secret), 4))


def confirm_set_up(organiser: Organiser, code: str) -> list[str]:
    """Turn two-factor sign-in on when the code matches the new secret; return recovery codes.

    The recovery codes are stored only as hashes: this is the one time they exist in full.
    """
    if organiser.has_two_factor:
        raise TwoFactorError(_("Two-factor sign-in is already on."))
    if not organiser.totp_secret:
        raise TwoFactorError(_("Please start the set-up again."))
    step = _matching_step(organiser.totp_secret, clean_code(code), None)
    if step is None:
        raise TwoFactorError(WRONG_CODE + " Check that your phone's clock is right.")
    organiser.totp_confirmed_at = utcnow()
    organiser.totp_last_step = step
    codes = _replace_recovery_codes(organiser.id)
    audit.record(AuditAction.TWO_FACTOR_ON, actor=organiser)
    db.session.commit()
    return codes


def replace_recovery_codes(organiser: Organiser, password: str) -> list[str]:
    """Give an organiser ten new recovery codes, given the password; commit and return them.

    The old codes stop working. A wrong password counts towards the lockout.
    """
    if not organiser.has_two_factor:
        raise TwoFactorError(_("Recovery codes come with two-factor sign-in, which is off."))
    check_current_password(organiser, password)
    codes = _replace_recovery_codes(organiser.id)
    audit.record(AuditAction.RECOVERY_CODES_REPLACED, actor=organiser)
    db.session.commit()
    return codes


def _replace_recovery_codes(organiser_id: int) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser_id))
    codes = []
    for _code in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _char in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(organiser_id=organiser_id, code_hash=_hash_recovery_code(raw)))
    return codes


def recovery_codes_left(organiser: Organiser) -> int:
    """Return how many unused recovery codes the organiser has."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(RecoveryCode.organiser_id == organiser.id)
    )


def _clear_failures(organiser_id: int, **values) -> bool:
    """Clear the failures of an account that is not locked, with other values; True if done."""
    done = db.session.execute(
        sa.update(Organiser)
        .where(Organiser.id == organiser_id, not_locked(utcnow()))
        .values(failed_logins=0, locked_until=None, **values)
        .returning(Organiser.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    return done is not None


def sign_in_with_code(organiser_id: int, code: str | None) -> Organiser | None:
    """Return the organiser this code (or recovery code) signs in, else count a failure; commit.

    A locked account signs in with nothing, and its recovery code stays unused.
    """
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None or not organiser.has_two_factor:
        db.session.rollback()
        return None
    secret, last_step = organiser.totp_secret, organiser.totp_last_step
    # End the read: the writes below start their own transaction.
    db.session.rollback()
    code = clean_code(code)
    step = _matching_step(secret, code, last_step)
    if step is not None:
        # Only a later step than the last one used: a code seen once cannot sign in twice.
        fresh = sa.or_(Organiser.totp_last_step.is_(None), Organiser.totp_last_step < step)
        done = db.session.execute(
            sa.update(Organiser)
            .where(Organiser.id == organiser_id, not_locked(utcnow()), fresh)
            .values(failed_logins=0, locked_until=None, totp_last_step=step)
            .returning(Organiser.id)
            .execution_options(synchronize_session=False)
        ).scalar()
        if done is not None:
            audit.record_sign_in(organiser_id, True)
            db.session.commit()
            return db.session.get(Organiser, organiser_id)
    elif code and not TOTP_CODE.fullmatch(code):
        used = db.session.execute(
            sa.delete(RecoveryCode).where(
                RecoveryCode.organiser_id == organiser_id,
                RecoveryCode.code_hash == _hash_recovery_code(code),
            )
        ).rowcount
        if used and _clear_failures(organiser_id):
            audit.record_sign_in(organiser_id, True, details="recovery code")
            db.session.commit()
            return db.session.get(Organiser, organiser_id)
    db.session.rollback()
    audit.record(AuditAction.SIGN_IN_FAILED, actor=organiser, details="wrong code")
    count_failure(organiser_id)  # commits the entry
    return None


def turn_off(organiser: Organiser, password: str, code: str) -> None:
    """Turn two-factor sign-in off, given the password and a current code; commit.

    A wrong password or code counts towards the lockout, as at sign-in.
    """
    if not organiser.has_two_factor:
        raise TwoFactorError(_("Two-factor sign-in is already off."))
    if not is_unlocked(organiser.id):
        raise TwoFactorError(_("Too many failed attempts. Please try again later."))
    password_matches = check_password_hash(organiser.password_hash, password or "")
    step = _matching_step(organiser.totp_secret, clean_code(code), organiser.totp_last_step)
    if not password_matches or step is None:
        organiser_id = organiser.id
        db.session.rollback()
        count_failure(organiser_id)
        raise TwoFactorError(_("The password or the code is not right."))
    organiser.totp_secret = None
    organiser.totp_confirmed_at = None
    organiser.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser.id))
    audit.record(AuditAction.TWO_FACTOR_OFF, actor=organiser)
    db.session.commit()
