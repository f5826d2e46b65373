"""Who is asking: the client address that rate limits count against.

Behind a reverse proxy this is the address the proxy saw (ProxyFix, set up in
webinar.security, rewrites request.remote_addr from X-Forwarded-For when
PROXY_FIX_X_FOR says how many proxies to believe). An IPv6 client is counted
by its /64 network: one home or office gets a whole /64 and can pick any
address in it, so a limit per single IPv6 address would limit nobody.
"""

from __future__ import annotations

import ipaddress

from flask import request


def client_address() -> str:
    """Return the client's IPv4 address, or its IPv6 /64 network."""
    remote = request.remote_addr or "127.0.0.1"
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return remote
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
