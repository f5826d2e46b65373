"""Organiser accounts: creating them, their passwords, signing in with a lockout."""

import secrets
from datetime import timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Event, Organiser, utcnow

PASSWORD_MIN_LENGTH = 12
DEMO_EMAIL = "demo@example.org"


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


def normalise_email(email: str) -> str:
    """Return the email as stored: trimmed and lower case."""
    return email.strip().lower()


def check_password_rule(password: str) -> None:
    """Refuse a password that is too short."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(
            f"The password must be at least {PASSWORD_MIN_LENGTH} characters long."
        )


def hash_password(password: str) -> str:
    """Return the scrypt hash of a password."""
    return generate_password_hash(password, method="scrypt")


def find_organiser(email: str) -> Organiser | None:
    """Return the organiser with this email, if any."""
    return db.session.scalar(
        db.select(Organiser).where(Organiser.email == normalise_email(email))
    )


def create_organiser(email: str, name: str, password: str, is_admin: bool = False) -> Organiser:
    """Create an organiser account and commit it."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise AccountError(f"{email!r} is not a valid email address: {error}") from error
    if not name.strip():
        raise AccountError("The name must not be empty.")
    check_password_rule(password)
    if find_organiser(email) is not None:
        raise AccountError(f"An organiser with the email {normalise_email(email)} already exists.")
    organiser = Organiser(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        is_admin=is_admin,
    )
    db.session.add(organiser)
    db.session.commit()
    return organiser


def set_password(organiser: Organiser, password: str) -> None:
    """Give an organiser a new password and lift any lockout."""
    check_password_rule(password)
    organiser.password_hash = hash_password(password)
    organiser.failed_logins = 0
    organiser.locked_until = None
    db.session.commit()


@cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> Organiser | None:
    """Return the organiser these credentials sign in, counting failures towards a lockout.

    A locked account is refused even with the right password, and the caller
    cannot tell that apart from a wrong password or an unknown email.
    """
    organiser = find_organiser(email)
    if organiser is None:
        # The same hashing work as for a real account, so timing does not reveal emails.
        check_password_hash(_decoy_hash(), password)
        return None
    now = utcnow()
    if organiser.locked_until is not None and organiser.locked_until > now:
        db.session.rollback()
        return None
    if check_password_hash(organiser.password_hash, password):
        organiser.failed_logins = 0
        organiser.locked_until = None
        db.session.commit()
        return organiser
    # Counted in the database, so concurrent attempts on several workers all add up.
    organiser.failed_logins = Organiser.failed_logins + 1
    db.session.flush()
    db.session.refresh(organiser)
    if organiser.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        lockout = timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        organiser.locked_until = now + lockout
        organiser.failed_logins = 0
    db.session.commit()
    return None


def create_demo_organiser() -> tuple[str, str | None]:
    """Create the demo organiser, owner of every event without one; return (email, password).

    The password is random and returned only when the account is created; when
    it exists already nothing changes and the password is None.
    """
    if find_organiser(DEMO_EMAIL) is not None:
        return DEMO_EMAIL, None
    password = secrets.token_urlsafe(15)
    organiser = Organiser(
        email=DEMO_EMAIL, name="Demo organiser", password_hash=hash_password(password)
    )
    db.session.add(organiser)
    db.session.flush()
    db.session.execute(
        db.update(Event).where(Event.owner_id.is_(None)).values(owner_id=organiser.id)
    )
    db.session.commit()
    return DEMO_EMAIL, password
