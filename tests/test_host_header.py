"""A forged Host header changes no link: emails, calendar files and share links use PUBLIC_URL."""

import re

import pytest
from support.forms import register_through_form
from support.stored import emails

FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
          "X-Forwarded-Proto": "https", "Forwarded": "host=evil.example"}  # fmt: skip
URL_RE = re.compile(r"https?://[^\s\"'<>)\\]+")


def hosts_linked(text: str) -> set[str]:
    return {re.match(r"https?://([^/:?#]+)", url).group(1) for url in URL_RE.findall(text)}


def forged_client(app):
    """Return a client whose every request carries the forged host headers."""
    client = app.test_client()
    client.environ_base.update(
        {"HTTP_" + name.upper().replace("-", "_"): value for name, value in FORGED.items()}
    )
    return client


def test_emails_of_a_registration_sent_with_a_forged_host_link_to_the_site(app, make_event):
    event = make_event()
    client = forged_client(app)
    assert register_through_form(client, event.slug).status_code == 303

    (confirmation,) = emails(app, "confirmation")
    for part in (confirmation.text_body, confirmation.html_body, confirmation.ics or ""):
        assert "evil.example" not in part
    assert "webinar.test" in hosts_linked(confirmation.text_body)
    assert "http://webinar.test/registrations/" in confirmation.text_body


@pytest.mark.parametrize("suffix", ["", ".ics"])
def test_pages_and_calendar_files_ignore_a_forged_host(client, make_event, suffix):
    event = make_event()
    response = client.get(f"/events/{event.slug}{suffix}", headers=FORGED)
    assert response.status_code == 200
    body = response.data.decode()
    assert "evil.example" not in body
    if not suffix:
        assert f'<link rel="canonical" href="http://webinar.test/events/{event.slug}">' in body
        assert "webinar.test%2Fevents%2F" in body  # the share links carry the canonical URL


def test_redirects_stay_relative_so_a_forged_host_cannot_steer_them(app, make_event):
    event = make_event()
    response = register_through_form(forged_client(app), event.slug)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/events/{event.slug}/register/received"
