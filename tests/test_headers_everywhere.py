"""Every page, public or organiser, carries the security headers; uploads are served safely."""

import pytest
from support.eventdata import PNG_BYTES, write_upload
from support.site_walk import ADMIN_ONLY, get_rules, populate

from webinar.security import CONTENT_SECURITY_POLICY


def assert_security_headers(response, path: str) -> None:
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, path
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("X-Frame-Options") == "DENY", path
    assert headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "no-referrer")
    assert "camera=()" in headers.get("Permissions-Policy", ""), path


def test_every_public_page_carries_the_security_headers(app, client, make_event, owner):
    site = populate(app, make_event, owner)
    paths = [site.url(rule) for rule in get_rules(app, public=True)]
    assert "/events/talk-1" in paths
    for path in paths:
        response = client.get(path)
        response.close()  # a served file stays open until then
        assert response.status_code < 500, path
        assert_security_headers(response, path)


def test_every_organiser_page_carries_the_security_headers(
    app, make_event, owner, owner_client, client
):
    site = populate(app, make_event, owner)
    rules = get_rules(app, public=False)
    assert any(rule.endpoint == "organiser.dashboard" for rule in rules)
    for rule in rules:
        path = site.url(rule)
        signed_in = owner_client.get(path)
        signed_in.close()  # a streamed export stays open until then
        allowed = (403,) if rule.endpoint in ADMIN_ONLY else (200, 302, 303)
        assert signed_in.status_code in allowed, path
        assert_security_headers(signed_in, path)
        signed_out = client.get(path)  # the sign-in redirect carries them too
        assert signed_out.status_code in (200, 302, 303, 401, 403, 404), path
        assert_security_headers(signed_out, path)


def test_error_pages_and_https_responses_carry_them_too(client):
    assert_security_headers(client.get("/no-such-page"), "404")
    assert_security_headers(client.post("/healthz"), "405")
    secure = client.get("/", base_url="https://webinar.test")
    assert_security_headers(secure, "https")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize(
    "name, content, mimetype, inline",
    [
        ("banner.png", PNG_BYTES, "image/png", True),
        ("slides.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf", False),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>",
         "image/svg+xml", False),
        ("page.html", b"<script>alert(1)</script>", "text/html", False),
        ("notes.txt", b"hello", "text/plain", False),
        ("no-extension", b"<html>", "application/octet-stream", False),
    ],
)  # fmt: skip
def test_uploads_are_served_with_their_type_and_as_downloads_unless_images(
    app, client, name, content, mimetype, inline
):
    write_upload(app, name, content)
    response = client.get(f"/uploads/{name}")
    response.close()
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers.get("Content-Disposition", "")
    if inline:
        assert not disposition.startswith("attachment")
    else:
        assert disposition.startswith("attachment"), name
    assert_security_headers(response, name)


def test_uploads_cannot_reach_outside_the_upload_folder(app, client):
    write_upload(app, "banner.png", PNG_BYTES)
    for path in ("/uploads/../webinar.sqlite3", "/uploads/%2e%2e/webinar.sqlite3",
                 "/uploads/..%2fwebinar.sqlite3", "/uploads//etc/passwd"):  # fmt: skip
        response = client.get(path, follow_redirects=True)
        response.close()
        assert response.status_code == 404, path
