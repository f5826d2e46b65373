"""Turn an outbox row into a MIME message, refusing anything that could inject headers."""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email.charset import QP, Charset
from email.policy import EmailPolicy
from email.utils import parseaddr

from flask_mail import Message

from ..calendar import public_domain
from ..models import OutboxEmail

# Quoted-printable bodies stay 7-bit with short lines, whatever the templates
# produce; Flask-Mail's default would send raw 8-bit lines of any length.
UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP

# Headers holding one link, written on one line as they are.
LINK_HEADERS = ("list-unsubscribe",)


class LinkHeadersPolicy(EmailPolicy):
    """policy.SMTP, except that link headers are never folded.

    Flask-Mail writes messages with policy.SMTP, which folds headers at 78
    characters and turns a longer value without spaces into RFC 2047 encoded
    words: a List-Unsubscribe link would reach mail programs as
    "=?utf-8?q?...". RFC 5322 allows lines up to 998 characters.
    """

    def fold(self, name: str, value: str) -> str:
        if name.lower() in LINK_HEADERS:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in LINK_HEADERS:
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


SMTP_WITH_LINKS = LinkHeadersPolicy(linesep="\r\n")

METHOD_RE = re.compile(r"^METHOD:([A-Za-z-]+)\s*$", re.MULTILINE | re.IGNORECASE)


class MailMessage(Message):
    """A Flask-Mail message whose long link headers stay readable links."""

    def _message(self):
        message = super()._message()
        message.policy = SMTP_WITH_LINKS
        return message


class UnsafeHeader(ValueError):
    """A header value that would break out of its line: the email must never be sent."""


@dataclass(frozen=True)
class Letter:
    """What the worker needs of one claimed outbox row, read before SMTP is touched."""

    id: int
    kind: str
    recipient: str
    subject: str
    text_body: str
    html_body: str
    ics: str | None
    unsubscribe_url: str | None
    attempts: int
    created_at: datetime
    claimed_at: datetime
    registration_id: int | None = None
    # Set while the bodies are still to be written, in this language (delivery.write_bodies).
    language: str | None = None
    # Written by this worker: the bodies are stored with the outcome (delivery.outcome_columns).
    written: bool = False

    @property
    def label(self) -> str:
        """Name the email in the log, without any personal detail."""
        return f"Email {self.id} ({self.kind})"

    @classmethod
    def from_row(cls, row: OutboxEmail, claimed_at: datetime) -> Letter:
        """Copy a claimed row, so no database access is needed while sending."""
        return cls(
            id=row.id,
            kind=row.kind,
            recipient=row.recipient,
            subject=row.subject,
            text_body=row.text_body,
            html_body=row.html_body or "",
            ics=row.ics,
            unsubscribe_url=row.unsubscribe_url,
            attempts=row.attempts,
            created_at=row.created_at,
            claimed_at=claimed_at,
            registration_id=row.registration_id,
            language=row.language,
        )


def check_header(name: str, value: str) -> None:
    """Raise UnsafeHeader when value holds a line break or another control character."""
    for char in value:
        if char in "\r\n":
            raise UnsafeHeader(f"{name} contains a line break (possible header injection)")
        if char != "\t" and unicodedata.category(char) == "Cc":
            raise UnsafeHeader(f"{name} contains the control character {char!r}")


def check_letter(letter: Letter) -> None:
    """Raise UnsafeHeader unless every value that becomes a header is one clean line."""
    check_header("the subject", letter.subject)
    check_header("the kind", letter.kind)
    check_header("the recipient", letter.recipient)
    if letter.unsubscribe_url:
        check_header("the unsubscribe link", letter.unsubscribe_url)
        if not letter.unsubscribe_url.isascii() or len(letter.unsubscribe_url) > 900:
            raise UnsafeHeader("the unsubscribe link is not a short ASCII URL")
    if parseaddr(letter.recipient)[1] != letter.recipient or "@" not in letter.recipient:
        raise UnsafeHeader("the recipient is not a single email address")


def message_id(letter: Letter) -> str:
    """Return a Message-ID that stays the same when the email is sent again.

    Delivery is at least once: when a server took a message but the
    connection broke before it said so, the retry carries the same id and
    mail programs show one email.
    """
    return f"<outbox.{letter.id}.{letter.created_at:%Y%m%d%H%M%S}@{public_domain()}>"


def calendar_content_type(ics: str) -> str:
    """Return the MIME type of the .ics attachment, with its METHOD when it has one."""
    # Flask-Mail splits the type at "/" and passes the rest on as the subtype,
    # so parameters can ride along after it.
    content_type = 'text/calendar; charset="utf-8"'
    match = METHOD_RE.search(ics)
    if match:
        content_type += f"; method={match.group(1).upper()}"
    return content_type


def list_headers(letter: Letter) -> dict[str, str]:
    """Return the one-click unsubscribe headers (RFC 8058) of a news email; none for others."""
    if not letter.unsubscribe_url:
        return {}
    return {
        "List-Unsubscribe": f"<{letter.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def build_message(letter: Letter) -> MailMessage:
    """Return the Flask-Mail message of a letter, or raise UnsafeHeader."""
    check_letter(letter)
    message = MailMessage(
        subject=letter.subject,
        recipients=[letter.recipient],
        body=letter.text_body,
        html=letter.html_body or None,
        date=time.time(),
        charset=UTF8_QP,
        extra_headers={"X-Webinar-Kind": letter.kind, **list_headers(letter)},
    )
    message.msgId = message_id(letter)
    if letter.ics:
        # Bytes, not str: Flask-Mail would mangle non-ASCII text before base64.
        message.attach("invite.ics", calendar_content_type(letter.ics), letter.ics.encode())
    return message
