"""Security headers on every response."""

import pytest

PAGES = ["/", "/no-such-page", "/healthz"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_hsts_is_sent_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://webinar.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
