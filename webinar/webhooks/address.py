"""Where a webhook may go: public addresses only, checked after DNS at every try.

resolve() looks the host up and returns its addresses that are neither
loopback, private, link-local (the cloud metadata address 169.254.169.254
among them), multicast, reserved nor otherwise non-public; the connection
then goes to those very addresses (connect_to), so no second lookup can
swap them. Hosts named in WEBHOOK_ALLOW_HOSTS (names, or the addresses they
resolve to) are let through, and only they may use plain http.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import SplitResult, urlsplit

from flask import current_app
from flask_babel import gettext

from ..languages import LazyText
from ..languages import lazy_gettext as _l

METADATA = ipaddress.ip_address("169.254.169.254")

# Why an address is not public, in whole sentences per kind: for an address
# given as such, and for a host name that resolves to it.
NOT_PUBLIC = {
    "metadata": (_l("%(address)s is the cloud metadata address"),
                 _l("%(host)s resolves to %(address)s, the cloud metadata address")),
    "unspecified": (_l("%(address)s is an unspecified address"),
                    _l("%(host)s resolves to %(address)s, an unspecified address")),
    "loopback": (_l("%(address)s is a loopback address"),
                 _l("%(host)s resolves to %(address)s, a loopback address")),
    "link-local": (_l("%(address)s is a link-local address"),
                   _l("%(host)s resolves to %(address)s, a link-local address")),
    "multicast": (_l("%(address)s is a multicast address"),
                  _l("%(host)s resolves to %(address)s, a multicast address")),
    "private": (_l("%(address)s is a private address"),
                _l("%(host)s resolves to %(address)s, a private address")),
    "reserved": (_l("%(address)s is a reserved address"),
                 _l("%(host)s resolves to %(address)s, a reserved address")),
    "not public": (_l("%(address)s is not a public address"),
                   _l("%(host)s resolves to %(address)s, not a public address")),
}  # fmt: skip


class Refused(Exception):
    """The address may not receive webhooks; the message says why, in the reader's language.

    The message is read when it is shown: the Webhooks page shows it in the
    organiser's language, a delivery's record keeps it in English.
    """


class HostNotFound(Refused):
    """The host name cannot be found (now): a delivery refuses it, a saved endpoint may wait."""


def not_public(host: str, address: str, kind: str) -> str:
    """Say in the current language that a host is, or resolves to, a non-public address."""
    literal, named = NOT_PUBLIC[kind]
    said = literal if host.strip("[]") == address else named
    return str(said) % {"host": host, "address": address}


def allowed_hosts() -> set[str]:
    """Return the allow-listed host names and addresses, lower-cased."""
    return {str(host).strip().lower() for host in current_app.config["WEBHOOK_ALLOW_HOSTS"]}


def why_not_public(address: str) -> str | None:
    """Say what kind of non-public IP address this is (a key of NOT_PUBLIC), or None."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip == METADATA:
        return "metadata"
    kinds = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
             ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
             ("private", ip.is_private), ("reserved", ip.is_reserved))  # fmt: skip
    for kind, flag in kinds:
        if flag:
            return kind
    return None if ip.is_global else "not public"


def check_url(url: str) -> SplitResult:
    """Return the parts of an endpoint URL, or raise Refused: https, or http to an allowed host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a port out of range)
    except ValueError as error:
        raise Refused(_l("This is not a valid address.")) from error
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Refused(_l("Enter an address starting with https://."))
    if parts.username or parts.password:
        raise Refused(_l("Leave the user name and password out of the address."))
    if parts.scheme == "http" and parts.hostname.lower() not in allowed_hosts():
        raise Refused(_l("Use https://: plain http is only for hosts the site's settings allow."))
    return parts


def resolve(parts: SplitResult) -> list[str]:
    """Look the host up and return the addresses it may be reached at, or raise Refused."""
    host = parts.hostname.lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    allowed = allowed_hosts()
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise HostNotFound(f"could not find {host}: {error}") from error
    addresses, refused = [], []
    for *_, sockaddr in found:
        address = sockaddr[0]
        kind = None if host in allowed or address in allowed else why_not_public(address)
        if kind is None:
            addresses.append(address)
        else:
            refused.append((address, kind))
    if addresses:
        return list(dict.fromkeys(addresses))
    address, kind = refused[0]
    raise Refused(LazyText(not_public, host, address, kind))


def check_destination(url: str) -> None:
    """Refuse an endpoint URL whose host is, or now resolves to, a non-public address.

    A name that cannot be found now is let through: each delivery checks again.
    """
    parts = check_url(url)
    try:
        resolve(parts)
    except HostNotFound:
        pass
    except Refused as error:
        raise Refused(gettext("Webhooks cannot go there: %(reason)s.", reason=error)) from error


def open_socket(addresses: list[str], port: int, timeout: float) -> socket.socket:
    """Connect to the first of the checked addresses that answers."""
    error: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failed:
            error = failed
    raise error or OSError("no address to connect to")


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to addresses checked beforehand, whatever the host name says now."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = open_socket(self.addresses, self.port, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to checked addresses; the certificate is checked for the host name."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self) -> None:
        plain = open_socket(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(plain, server_hostname=self.host)


def connect_to(
    parts: SplitResult, addresses: list[str], timeout: float
) -> http.client.HTTPConnection:
    """Return a connection (not yet open) to the checked addresses, named by the URL's host."""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    pinned = PinnedHTTPSConnection if secure else PinnedHTTPConnection
    return pinned(parts.hostname, port, addresses, timeout)
