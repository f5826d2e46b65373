"""Response headers that keep pages from being framed, sniffed or injected into.

Also the two settings that decide which request headers are believed: the
proxy headers (X-Forwarded-*, only when PROXY_FIX_* says how many proxies set
them) and the Host header (only the names in TRUSTED_HOSTS, when it is set).
"""

from flask import Flask, Response, abort, request
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

# ProxyFix argument -> setting. Each says how many proxies in front of the app
# set that header; 0 means the header is ignored, as anyone can send it.
PROXY_SETTINGS = {
    "x_for": "PROXY_FIX_X_FOR",
    "x_proto": "PROXY_FIX_X_PROTO",
    "x_host": "PROXY_FIX_X_HOST",
    "x_port": "PROXY_FIX_X_PORT",
    "x_prefix": "PROXY_FIX_X_PREFIX",
}


class DatabaseInteger(IntegerConverter):
    """An <int:...> part of a URL that fits an integer column; a larger number is a 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


def proxy_counts(app: Flask) -> dict[str, int]:
    """Return the ProxyFix arguments the settings ask for (all 0: no proxy is trusted)."""
    return {argument: int(app.config[name] or 0) for argument, name in PROXY_SETTINGS.items()}


def strict_transport_security(app: Flask) -> str | None:
    """Return the Strict-Transport-Security value, or None when HSTS_MAX_AGE is 0."""
    max_age = int(app.config["HSTS_MAX_AGE"] or 0)
    if max_age <= 0:
        return None
    return f"max-age={max_age}; includeSubDomains"


def init_app(app: Flask) -> None:
    """Trust proxy headers as configured, bound URL numbers, and add the security headers."""
    # Before the blueprints add their rules, which pick the converter up.
    app.url_map.converters["int"] = DatabaseInteger
    counts = proxy_counts(app)
    if any(counts.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)
    hsts = strict_transport_security(app)
    app.register_error_handler(SecurityError, untrusted_host)
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        # One pass over the headers a view set (a few pages set their own
        # Referrer-Policy) rather than a search for each of ours.
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend(
            (name, value) for name, value in SECURITY_HEADERS.items() if name.lower() not in present
        )
        # Over plain HTTP the header means nothing (browsers ignore it); behind
        # a TLS proxy, request.is_secure needs PROXY_FIX_X_PROTO.
        if hsts and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response


def refuse_nul_bytes() -> None:
    """Answer 400 to a NUL byte in the path or query string.

    No text of the site may hold one (PostgreSQL cannot even store it), and
    no link holds one: refusing it here keeps it out of every query. Forms
    are left to their fields, which say what is wrong next to the field.
    """
    pairs = request.args.items(multi=True)
    texts = [request.path, *(text for pair in pairs for text in pair)]
    if any("\x00" in text for text in texts):
        abort(400)


def untrusted_host(_error: SecurityError):
    """Answer a Host header outside TRUSTED_HOSTS with a plain 400.

    No page of the site: without a trusted host there is no URL adapter, so
    the layout's links cannot be built.
    """
    return "Bad request: this site does not answer to that host name.\n", 400, {
        "Content-Type": "text/plain; charset=utf-8"
    }
