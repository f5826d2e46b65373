"""An SMTP connection with a socket timeout, and what its errors mean for an email."""

from __future__ import annotations

import re
import smtplib
from types import TracebackType

from flask import current_app
from flask_mail import BadHeaderError, Connection

# Errors of the connection as a whole (refused, timed out, dropped, a server
# that greets with an error or refuses our login): the email is fine, try later.
CONNECTION_ERRORS = (smtplib.SMTPException, OSError)


class TimeoutConnection(Connection):
    """A Flask-Mail connection whose socket gives up after `timeout` seconds.

    Flask-Mail opens smtplib.SMTP without a timeout, so a server that never
    answers would hold the worker forever.
    """

    def __init__(self, mail, timeout: float) -> None:
        super().__init__(mail)
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=self.timeout)
        try:
            host.set_debuglevel(int(self.mail.debug))
            if self.mail.use_tls:
                host.starttls()
            if self.mail.username and self.mail.password:
                host.login(self.mail.username, self.mail.password)
        except BaseException:
            host.close()
            raise
        return host

    @property
    def is_open(self) -> bool:
        """Tell whether the server is still connected (smtplib drops the socket on errors)."""
        return self.host is not None and self.host.sock is not None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Say goodbye when we can; a broken connection is just closed.
        if self.host is None:
            return
        try:
            self.host.quit()
        except CONNECTION_ERRORS:
            self.host.close()


def connection() -> TimeoutConnection:
    """Return an SMTP connection to the configured server (open it with `with`)."""
    mail = current_app.extensions["mail"]
    return TimeoutConnection(mail, current_app.config["MAIL_TIMEOUT"])


# An email address, with or without its angle brackets.
ADDRESS = re.compile(r"<?[^\s<>()\[\]@,;:\"']+@[^\s<>()\[\],;:\"']+>?")


def explain(error: Exception) -> tuple[str, bool]:
    """Return a readable reason for a failed send and whether the failure is permanent.

    Only a 5xx answer about this message (its sender, recipient or content)
    is permanent; everything else, 4xx answers included, may pass later.
    The reason names no email address: it is stored with the email and
    logged, and servers quote the address they refuse ("<ann@example.org>:
    Recipient address rejected").
    """
    reason, permanent = _explain(error)
    return without_addresses(reason), permanent


def without_addresses(text: str) -> str:
    """Return text with every email address in it replaced by "[address]"."""
    return ADDRESS.sub("[address]", text)


def _explain(error: Exception) -> tuple[str, bool]:
    if isinstance(error, BadHeaderError):
        return "a header contains a line break (possible header injection)", True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        _address, (code, text) = next(iter(error.recipients.items()))
        return f"{code} {_text(text)} (the recipient was refused)", 500 <= code < 600
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return f"{error.smtp_code} {_text(error.smtp_error)}", 500 <= error.smtp_code < 600
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}", False
    if isinstance(error, TimeoutError):
        return "the mail server did not answer in time", False
    if isinstance(error, ConnectionRefusedError):
        return "the mail server refused the connection", False
    return str(error) or type(error).__name__, False


def _text(value: bytes | str) -> str:
    """Return a server's answer as text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
