"""Organiser accounts: creating them, their passwords, signing in with a lockout."""

import secrets
from datetime import timedelta
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ... import audit
from ...extensions import db
from ...models import Event, Organiser, utcnow
from ...models.audit import AuditAction
from ...text import normalise_email
from .sessions import end_all_sessions

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1000
DEMO_EMAIL = "demo@example.org"
NO_ORGANISER = 0  # an id no row has: ids start at 1
# What people add at the end of a common word to pass a length rule.
SUFFIX_CHARACTERS = "0123456789!@#$%^&*?.-_ "
# Runs of keys and letters people walk along: any stretch of these is guessed early.
SEQUENCES = (
    "01234567890123456789",
    "98765432109876543210",
    "abcdefghijklmnopqrstuvwxyz",
    "zyxwvutsrqponmlkjihgfedcba",
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "qwertzuiopasdfghjklyxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1q2w3e4r5t6y7u8i9o0p",
)


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


class PasswordNotAccepted(AccountError):
    """The current password, asked before a change to the account, is wrong (or locked out)."""


class AccountDeactivated(AccountError):
    """The password is right but an administrator deactivated the account."""


@cache
def common_passwords() -> frozenset[str]:
    """Return the list of common passwords shipped with the app, read once."""
    text = (Path(__file__).parent.parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def is_guessable(password: str) -> bool:
    """Tell whether a password is common, a common word with digits added, a run or a repeat."""
    folded = password.casefold()
    common = common_passwords()
    base = folded.rstrip(SUFFIX_CHARACTERS)
    if folded in common or base in common or folded.lstrip(SUFFIX_CHARACTERS) in common:
        return True
    if any(folded in sequence for sequence in SEQUENCES):
        return True
    # The same few characters over and over ("abcabcabcabc", "aaaaaaaaaaaa").
    for size in range(1, len(folded) // 2 + 1):
        chunk = folded[:size]
        if len(folded) % size == 0 and chunk * (len(folded) // size) == folded:
            return size <= 4 or chunk.rstrip(SUFFIX_CHARACTERS) in common
    return False


def personal_words(email: str, name: str) -> set[str]:
    """Return the parts of an account's email and name that its password must not contain."""
    local = email.partition("@")[0].casefold()
    words = {local} if len(local) >= 3 else set()
    folded_name = name.casefold()
    words |= {word for word in folded_name.split() if len(word) >= 4}
    joined = "".join(folded_name.split())
    if len(joined) >= 3:
        words.add(joined)
    return words


def check_password_rule(password: str, email: str = "", name: str = "") -> None:
    """Refuse a password that is short, common, or made of the account's email or name.

    NIST SP 800-63B: length and a check against known passwords, no rules on
    which kinds of characters it holds.
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(
            _(
                "The password must be at least %(password_min_length)s characters long.",
                password_min_length=PASSWORD_MIN_LENGTH
            )
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AccountError(
            _(
                "The password can be at most %(password_max_length)s characters long.",
                password_max_length=PASSWORD_MAX_LENGTH
            )
        )
    folded = password.casefold()
    if any(word in folded for word in personal_words(email, name)):
        raise AccountError(
            _("The password must not contain your name or the first part of your email address.")
        )
    if is_guessable(password):
        raise AccountError(
            _("This password is among the first ones people try when guessing: "
            "choose a less common one, for example a few unrelated words.")
        )


def hash_password(password: str) -> str:
    """Return the hash of a password, by PASSWORD_HASH_METHOD (scrypt)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


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
        raise AccountError(_("The name must not be empty."))
    check_password_rule(password, email, name)
    if find_organiser(email) is not None:
        raise AccountError(_(
            "An organiser with the email %(normalise_email)s already exists.",
            normalise_email=normalise_email(email)
        ))
    organiser = Organiser(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        is_admin=is_admin,
    )
    db.session.add(organiser)
    db.session.commit()
    return organiser


def set_password(organiser: Organiser, password: str, keep_session: str | None = None) -> None:
    """Give an organiser a new password, lift any lockout and end their sessions; commit.

    Every session ends but keep_session: the browser that changed the password.
    """
    check_password_rule(password, organiser.email, organiser.name)
    organiser.password_hash = hash_password(password)
    organiser.failed_logins = 0
    organiser.locked_until = None
    # Whoever knew the old password may be signed in somewhere.
    end_all_sessions(organiser.id, keep=keep_session)
    db.session.commit()


def check_current_password(organiser: Organiser, password: str | None) -> None:
    """Refuse a change to an account unless its password is given; a wrong one counts.

    A wrong password counts towards the lockout as at sign-in (count_failure
    commits), so a browser left signed in cannot be used to guess it.
    """
    if not is_unlocked(organiser.id):
        raise PasswordNotAccepted(_("Too many failed attempts. Please try again later."))
    if not check_password_hash(organiser.password_hash, password or ""):
        organiser_id = organiser.id
        db.session.rollback()
        count_failure(organiser_id)
        raise PasswordNotAccepted(_("Your current password is not right."))


@cache
def _decoy_hash() -> str:
    """Return a hash of no one's password, made by the method real ones are."""
    # Made once per method: making it at each attempt would double the time an
    # unknown address takes, which is what the decoy is there to hide.
    return _decoy_hash_by(current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _decoy_hash_by(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(email: str, password: str) -> Organiser | None:
    """Return the organiser these credentials sign in, counting failures towards a lockout.

    A deactivated account raises AccountDeactivated once its password is
    checked. An organiser with two-factor sign-in is returned with the password
    checked but not yet signed in: the caller asks for the code
    (services.two_factor.sign_in_with_code).

    Every attempt checks exactly one password hash, for a known, unknown or
    locked address alike, so neither the answer nor its time tells them
    apart. Checking the lock and counting a failure (or clearing the count)
    is one conditional UPDATE, so concurrent attempts on several workers lock
    the account after exactly LOGIN_MAX_FAILURES, and the right password
    never slips past a lock another attempt has just set.
    """
    organiser = find_organiser(email)
    stored_hash = organiser.password_hash if organiser is not None else _decoy_hash()
    # End the read before the slow hash: on SQLite it holds the write lock.
    db.session.rollback()
    password_matches = check_password_hash(stored_hash, password)
    if organiser is None:
        # The same statement as for a real account, matching no row, so that
        # an unknown address takes as long as a known one.
        audit.record(AuditAction.SIGN_IN_FAILED, actor=None, details="unknown address")
        count_failure(NO_ORGANISER)
        return None
    if not password_matches:
        audit.record(AuditAction.SIGN_IN_FAILED, actor=organiser)  # count_failure commits it
        count_failure(organiser.id)
        return None
    if not organiser.is_active:
        # Said only to someone who knows the password: they may ask to have it back.
        audit.record(AuditAction.SIGN_IN_FAILED, actor=organiser, details="account deactivated")
        db.session.commit()
        raise AccountDeactivated(
            _("This account is deactivated. Ask an administrator if you need it again.")
        )
    if organiser.has_two_factor:
        # Only the code clears the failures: were the right password alone to
        # do it, alternating it with wrong codes would never lock the account.
        return organiser if is_unlocked(organiser.id) else None
    return sign_in_unless_locked(organiser.id, stored_hash)


def not_locked(now):
    return sa.or_(Organiser.locked_until.is_(None), Organiser.locked_until <= now)


def is_unlocked(organiser_id: int) -> bool:
    """Return whether this account may sign in now (it is not locked)."""
    found = db.session.scalar(
        sa.select(Organiser.id).where(Organiser.id == organiser_id, not_locked(utcnow()))
    )
    db.session.commit()
    return found is not None


def count_failure(organiser_id: int) -> None:
    """Count a wrong password, and lock the account when it reaches the limit; commit.

    A locked account counts nothing more; once its lock has ended, counting
    starts again from one.
    """
    config = current_app.config
    now = utcnow()
    # The WHERE below skips a locked account, so a lock seen here has ended.
    failures = sa.case(
        (Organiser.locked_until.is_(None), Organiser.failed_logins + 1), else_=1
    )
    db.session.execute(
        sa.update(Organiser)
        .where(Organiser.id == organiser_id, not_locked(now))
        .values(
            failed_logins=failures,
            locked_until=sa.case(
                (failures >= config["LOGIN_MAX_FAILURES"],
                 now + timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])),
                else_=None,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def sign_in_unless_locked(organiser_id: int, checked_hash: str) -> Organiser | None:
    """Clear the failures of an account that is not locked and return it; commit.

    Return None when the account is locked, or when its password changed
    since the hash was checked.
    """
    signed_in = db.session.execute(
        sa.update(Organiser)
        .where(
            Organiser.id == organiser_id,
            Organiser.password_hash == checked_hash,
            not_locked(utcnow()),
        )
        .values(failed_logins=0, locked_until=None)
        .returning(Organiser.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    audit.record_sign_in(organiser_id, signed_in is not None)
    db.session.commit()
    return db.session.get(Organiser, signed_in) if signed_in is not None else None


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
