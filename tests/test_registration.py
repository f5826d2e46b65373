"""The registration form: its fields, bad input, duplicates, closed talks, abuse."""

from __future__ import annotations

import pytest
from support.factories import in_days
from support.forms import VALID_FORM, csrf_token, register_through_form
from support.stored import emails, registrations

REQUIRED_TEXT = {"first_name": 60, "last_name": 60, "email": 254, "organisation": 200}


def test_form_shows_every_field_with_its_label(client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.slug}/register").data.decode()
    for name, label in [
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("email", "Email address"),
        ("organisation", "Organisation"),
        ("job_title", "Job title"),
        ("country", "Country"),
        ("consent_privacy", "privacy notice"),
        ("consent_marketing", "news about future talks"),
    ]:
        assert f'<label for="{name}">' in html
        assert f'name="{name}"' in html
        assert label in html
    assert '<option value="BE">Belgium</option>' in html
    assert 'name="timezone" type="hidden"' in html
    assert "js/registration.js" in html


def test_privacy_consent_is_never_pre_ticked_and_links_the_notice(client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.slug}/register").data.decode()
    consent = html[
        html.index('id="consent_privacy"') - 60 : html.index('id="consent_privacy"') + 80
    ]
    assert "checked" not in consent
    assert 'href="/privacy"' in html


def test_privacy_notice_names_controller_contact_retention_and_version(app, client):
    app.config.update(
        PRIVACY_CONTROLLER="Cluster Office",
        PRIVACY_CONTACT="dpo@cluster.example",
        RETENTION_DAYS=90,
        PRIVACY_NOTICE_VERSION="2024-03",
    )
    html = client.get("/privacy").data.decode()
    for text in ("Cluster Office", "dpo@cluster.example", "90 days", "Version 2024-03"):
        assert text in html


def test_registration_stores_every_field_with_source_and_consent(app, client, make_event):
    app.config["PRIVACY_NOTICE_VERSION"] = "v7"
    event = make_event()
    response = register_through_form(
        client,
        event.slug,
        query="?utm_source=linkedin&utm_medium=social&utm_campaign=step",
        consent_marketing="y",
        email="  Ada@Example.ORG ",
    )
    assert response.status_code == 303
    [row] = registrations(app, event)
    assert (row.first_name, row.last_name, row.organisation) == (
        "Ada",
        "Lovelace",
        "Analytical Engines",
    )
    assert (row.email, row.email_normalised) == ("Ada@Example.ORG", "ada@example.org")
    assert (row.job_title, row.country, row.attendee_timezone) == (
        "Programmer",
        "BE",
        "America/New_York",
    )
    assert (row.utm_source, row.utm_medium, row.utm_campaign) == ("linkedin", "social", "step")
    assert row.status == "confirmed"
    assert row.privacy_consent_at is not None
    assert row.privacy_notice_version == "v7"
    assert row.marketing_consent is True and row.marketing_consent_at is not None
    assert len(row.token) >= 43  # 32 random bytes


def test_referrer_of_the_form_page_is_kept(app, client, make_event):
    event = make_event()
    page = client.get(
        f"/events/{event.slug}/register", headers={"Referer": "https://news.example/step"}
    )
    form = dict(VALID_FORM, csrf_token=csrf_token(page.data))
    form["referrer"] = "https://news.example/step"
    assert 'value="https://news.example/step"' in page.data.decode()
    client.post(f"/events/{event.slug}/register", data=form)
    assert registrations(app, event)[0].referrer == "https://news.example/step"


def test_marketing_consent_is_off_unless_ticked(app, client, make_event):
    event = make_event()
    register_through_form(client, event.slug)
    [row] = registrations(app, event)
    assert row.marketing_consent is False and row.marketing_consent_at is None


def test_an_invalid_browser_time_zone_is_dropped_not_refused(app, client, make_event):
    event = make_event()
    response = register_through_form(client, event.slug, timezone="../../etc/passwd")
    assert response.status_code == 303
    assert registrations(app, event)[0].attendee_timezone == ""


def test_received_page_names_the_address_typed_without_putting_it_in_the_url(client, make_event):
    event = make_event()
    response = register_through_form(client, event.slug, email="ada@example.org")
    assert "ada" not in response.location
    page = client.get(response.location).data.decode()
    assert "Registration received" in page
    assert "A confirmation is on its way to <strong>ada@example.org</strong>" in page


BAD_VALUES = {
    "empty": "",
    "too long": "x" * 300,
    "a control character": "Ada\x00\x07",
    "a line break": "Ada\r\nBcc: victim@example.org",
}


# The job title is optional: only its empty value is fine.
BAD_INPUT = [
    (name, problem)
    for name in [*REQUIRED_TEXT, "job_title"]
    for problem in BAD_VALUES
    if (name, problem) != ("job_title", "empty")
]


@pytest.mark.parametrize("name, problem", BAD_INPUT)
def test_bad_input_is_refused_next_to_the_field_and_writes_nothing(
    app, client, make_event, name, problem
):
    event = make_event()
    value = BAD_VALUES[problem]
    if name == "email" and problem == "too long":
        value = "a" * 250 + "@example.org"
    response = register_through_form(client, event.slug, **{name: value})
    html = response.data.decode()
    assert response.status_code == 200
    assert 'class="form-errors" role="alert"' in html
    assert f'<p class="field-error" id="{name}-error">' in html
    assert f'aria-describedby="{name}-error"' in html or f"{name}-hint {name}-error" in html
    assert registrations(app) == []
    assert emails(app) == []


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"email": "not-an-address"}, "Please enter an email address such as"),
        ({"country": ""}, "Please choose your country."),
        ({"country": "XX"}, "Please choose a country from the list."),
        ({"consent_privacy": None}, "Please agree to the privacy notice to register."),
    ],
)
def test_each_rule_gives_a_clear_message(app, client, make_event, changes, message):
    event = make_event()
    html = register_through_form(client, event.slug, **changes).data.decode()
    assert message in html
    assert registrations(app) == []


def test_typed_values_are_kept_and_html_is_shown_escaped(client, make_event):
    event = make_event()
    html = register_through_form(
        client, event.slug, first_name="<script>alert(1)</script>", email="nope"
    ).data.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'value="Lovelace"' in html
    assert '<option selected value="BE">' in html


def test_html_in_a_stored_name_is_shown_escaped_on_the_personal_page(
    app, client, make_event, make_registration
):
    event = make_event()
    # The form refuses markup in a name; a name stored otherwise is still escaped.
    token = make_registration(event, first_name="<b>Ada</b>").token
    html = client.get(f"/registrations/{token}").data.decode()
    assert "&lt;b&gt;Ada&lt;/b&gt;" in html and "<b>Ada</b>" not in html


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_missing_or_wrong_csrf_token_is_refused_and_writes_nothing(
    app, client, make_event, token
):
    event = make_event()
    client.get(f"/events/{event.slug}/register")
    form = dict(VALID_FORM)
    if token:
        form["csrf_token"] = token
    response = client.post(f"/events/{event.slug}/register", data=form)
    assert response.status_code == 400
    assert "Bad request" in response.data.decode()
    assert registrations(app) == []


def test_same_email_again_creates_no_second_row_and_gets_the_same_page(app, client, make_event):
    event = make_event()
    first = register_through_form(client, event.slug, email="ada@example.org")
    first_page = client.get(first.location).data
    second = register_through_form(client, event.slug, email="  ADA@example.org ")
    second_page = client.get(second.location).data
    assert second.status_code == first.status_code == 303
    assert second.location == first.location
    assert second_page.replace(b"ADA@example.org", b"ada@example.org") == first_page
    assert len(registrations(app, event)) == 1
    assert [e.kind for e in emails(app)] == ["confirmation", "already_registered"]


def test_already_registered_email_goes_at_most_once_in_ten_minutes(
    app, client, make_event, clock
):
    event = make_event()
    for _ in range(3):
        register_through_form(client, event.slug)
    assert len(emails(app, "already_registered")) == 1

    clock.advance(minutes=11)
    register_through_form(client, event.slug)
    assert len(emails(app, "already_registered")) == 2


def test_full_talk_with_a_waiting_list_puts_people_on_it(app, client, make_event):
    event = make_event(capacity=1, waitlist_enabled=True)
    register_through_form(client, event.slug, email="first@example.org")
    html = client.get(f"/events/{event.slug}/register").data.decode()
    assert "join the waiting list" in html
    response = register_through_form(client, event.slug, email="second@example.org")
    assert response.status_code == 303
    assert [r.status for r in registrations(app, event)] == ["confirmed", "waitlisted"]
    assert [e.kind for e in emails(app)] == ["confirmation", "waitlisted"]


def test_full_talk_without_a_waiting_list_says_fully_booked_and_shows_no_form(
    app, client, make_event
):
    event = make_event(capacity=1)
    register_through_form(client, event.slug, email="first@example.org")
    html = client.get(f"/events/{event.slug}/register").data.decode()
    assert "fully booked" in html
    assert "<form" not in html
    assert len(registrations(app, event)) == 1


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"registration_closes_at": in_days(-1)}, "Registration for this talk has closed."),
        ({"registration_opens_at": in_days(3)}, "Registration opens on"),
        ({"starts_at": in_days(-2), "ends_at": in_days(-2, hour=10)}, "already taken place"),
        ({"status": "cancelled"}, "This talk has been cancelled"),
    ],
)
def test_talk_not_open_for_registration_says_why_and_shows_no_form(
    app, client, make_event, fields, reason
):
    event = make_event(**fields)
    page = client.get(f"/events/{event.slug}/register")
    html = page.data.decode()
    assert reason in html
    assert "<form" not in html
    # A token from an open talk's form: the closed talk must refuse on its own.
    token = csrf_token(client.get(f"/events/{make_event().slug}/register").data)
    posted = client.post(f"/events/{event.slug}/register", data=dict(VALID_FORM, csrf_token=token))
    assert reason in posted.data.decode()
    assert registrations(app) == []


def test_draft_talk_has_no_registration_page(client, make_event):
    event = make_event(status="draft")
    assert client.get(f"/events/{event.slug}/register").status_code == 404


def test_filled_honeypot_gets_the_normal_page_and_no_registration(app, client, make_event):
    event = make_event()
    response = register_through_form(client, event.slug, website="http://spam.example")
    assert response.status_code == 303
    assert "A confirmation is on its way" in client.get(response.location).data.decode()
    assert registrations(app) == []
    assert emails(app) == []


def test_honeypot_is_hidden_from_people_and_screen_readers(client, make_event):
    event = make_event()
    html = client.get(f"/events/{event.slug}/register").data.decode()
    start = html.index('name="website"')
    wrapper = html[html.rindex("<div", 0, start) : start]
    assert "hidden" in wrapper and 'aria-hidden="true"' in wrapper
    assert 'tabindex="-1"' in html[start - 100 : start + 100]


@pytest.fixture
def rate_limited(app_config):
    """Turn the rate limit on, low, before the app is made."""
    app_config["RATELIMIT_ENABLED"] = True
    app_config["REGISTRATION_RATE_LIMIT"] = "3 per minute"


def test_registration_posts_are_rate_limited(rate_limited, client, make_event):
    event = make_event()
    codes = [
        register_through_form(client, event.slug, email=f"p{n}@example.org").status_code
        for n in range(4)
    ]
    assert codes == [303, 303, 303, 429]
    assert "Too many requests" in register_through_form(client, event.slug).data.decode()
    assert client.get(f"/events/{event.slug}/register").status_code == 200
