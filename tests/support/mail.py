"""Plugin: a real SMTP server with faults on demand, the outbox worker, and reading emails.

`smtp_server` is an aiosmtpd server on a free local port; `deliver()` runs
one pass of the outbox worker; `inbox` delivers and returns what arrived.
"""

from __future__ import annotations

import re

import icalendar
import pytest
from flask import Flask

from support.processes import free_port
from webinar.jobs import run_once


class SMTPServer:
    """A real SMTP server (aiosmtpd) on a free 127.0.0.1 port, running in a thread.

    `messages` holds every email it accepted, parsed with the email package
    (policy.default, line ends turned into "\n"), in order; `raw` the bytes as
    received; `peers` the client address (host, port) of the connection each
    one came over, so len(set(peers)) counts connections.

    How it answers is set per recipient or for everyone with `answer(mode)`:
    "accept" (the default), "refuse" (550 to RCPT TO), "defer" (451 to RCPT TO),
    "hang" (never answers the message data) or "drop" (closes the connection
    after the message data without answering). `stop()` closes the port, so
    connections are refused; `start()` listens on the same port again.
    """

    MODES = ("accept", "refuse", "defer", "hang", "drop")

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_port(host)
        self.messages: list = []
        self.raw: list[bytes] = []
        self.peers: list[tuple[str, int]] = []
        self.modes: dict[str | None, str] = {None: "accept"}
        self.controller = None

    def answer(self, mode: str, recipient: str | None = None) -> None:
        """Answer messages to recipient (everyone when None) in the given mode."""
        assert mode in self.MODES, f"unknown mode {mode!r}"
        self.modes[recipient.lower() if recipient else None] = mode

    def mode_for(self, recipient: str) -> str:
        return self.modes.get(recipient.lower(), self.modes[None])

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(_SMTPHandler(self), hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self, content: bytes, peer: tuple[str, int]) -> None:
        import email
        import email.policy

        self.raw.append(content)
        # Line ends as a mail program shows them: "\n", not the wire's "\r\n".
        text = content.replace(b"\r\n", b"\n")
        self.messages.append(email.message_from_bytes(text, policy=email.policy.default))
        self.peers.append(peer)


class _SMTPHandler:
    """aiosmtpd hooks that answer as the SMTPServer's mode says."""

    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = self.server.mode_for(address)
        # Answers quote the address, as real servers (Postfix, Exim) do.
        if mode == "refuse":
            return f"550 5.1.1 <{address}>: No such mailbox here"
        if mode == "defer":
            return f"451 4.7.1 <{address}>: Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        mode = self.server.mode_for(envelope.rcpt_tos[0])
        if mode == "hang":
            await asyncio.sleep(3600)  # cancelled when the client gives up or the server stops
        if mode == "drop":
            server.transport.close()
            return "421 4.4.2 Connection dropped"  # never reaches the client
        self.server.received(envelope.content, session.peer)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(request, app_config):
    """A real SMTP server for the test, with the app's MAIL_SERVER and MAIL_PORT pointing at it.

    Ask for it before `app` (and `client`, `runner`), so the app is created
    with these settings. See SMTPServer for the received messages and the
    failure modes.
    """
    early = [name for name in ("app", "client", "runner") if name in request.node.funcargs]
    if early:
        raise pytest.UsageError(f"list smtp_server before {early[0]} in the test's arguments")
    server = SMTPServer()
    server.start()
    app_config.update(
        MAIL_SERVER=server.host,
        MAIL_PORT=server.port,
        MAIL_SUPPRESS_SEND=False,  # Flask-Mail would otherwise skip sending under TESTING
        MAIL_TIMEOUT=5,
    )
    yield server
    server.stop()


@pytest.fixture
def deliver(app):
    """Run one pass of the outbox worker, as `flask outbox work --once` does: `deliver()`.

    It returns how many emails it sent.
    """

    def deliver() -> int:
        with app.app_context():
            return run_once()

    return deliver


class Inbox:
    """The emails the app delivered to the test's SMTP server, delivered on demand."""

    def __init__(self, smtp_server: SMTPServer, app: Flask, deliver) -> None:
        self.smtp_server = smtp_server
        self.app = app
        self.run_worker = deliver
        self.seen = 0

    def deliver(self) -> list:
        """Run the outbox worker once and return the emails it delivered."""
        self.run_worker()
        new = self.smtp_server.messages[self.seen :]
        self.seen = len(self.smtp_server.messages)
        return new

    def links(self, message) -> list[str]:
        """Return the paths of the site's links in an email's plain-text part."""
        site = re.escape(self.app.config["PUBLIC_URL"])
        return re.findall(site + r"(/\S+)", text_of(message))


@pytest.fixture
def inbox(smtp_server, app, deliver) -> Inbox:
    """Emails delivered through a real SMTP server; list it before `page` and `app`."""
    return Inbox(smtp_server, app, deliver)


def calendar_of(message) -> icalendar.Calendar:
    """Return the parsed calendar file attached to an email."""
    (attachment,) = [part for part in message.iter_attachments() if part.get_filename()]
    assert attachment.get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(attachment.get_content())


def text_of(message) -> str:
    """Return the plain-text part of an email."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    """Return the HTML part of an email."""
    return message.get_body(preferencelist=("html",)).get_content()
