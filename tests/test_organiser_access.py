"""Who may open which page of the organiser area, and CSRF on every form of the app."""

import pytest
from support.organisers import token_of
from support.site_walk import ADMIN_ONLY, api_resource
from support.webhooks import add_endpoint_with_delivery

from webinar.extensions import db
from webinar.models import (
    Event,
    EventRole,
    Material,
    Question,
    Registration,
    Series,
    SeriesRole,
    Speaker,
)

# Pages every visitor may open: signing in (password, then the two-factor code), and
# signing out (harmless when not signed in).
OPEN_ENDPOINTS = {"organiser.login", "organiser.login_code", "organiser.logout"}
# "Forgot your password?" and the emailed link serve people who cannot sign in.
OPEN_ENDPOINTS |= {
    "organiser.forgot_password", "organiser.forgot_password_sent", "organiser.reset_password"
}
# The link confirming a new email works for whoever reads the new mailbox, signed in or not.
OPEN_ENDPOINTS |= {"organiser.confirm_email"}
# Buttons that end the session the rest of a walk needs (tests/test_organiser_account.py).
SESSION_ENDING = {"organiser.sign_out_everywhere"}
# An invitation's link serves a person who has no account yet.
OPEN_ENDPOINTS |= {"organiser.accept_invitation"}


def organiser_rules(app):
    """Return (rule, method) for every page of the organiser area that needs an account."""
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/organiser") and rule.endpoint not in OPEN_ENDPOINTS
        for method in sorted(rule.methods & {"GET", "POST"})
    ]


@pytest.fixture
def event_with_parts(app, make_event, make_registration, make_organiser, owner):
    """Return a function making an owned event with a speaker, a link, a question and an editor,
    and a series the owner owns.

    It gives the URL arguments of the event's and the series' pages.
    """
    editor_id = make_organiser("eddie@example.org", "Eddie Editor")

    def make() -> dict:
        event = make_event(owner_id=owner)
        registration = make_registration(event, token=f"token-{event.id}", first_name="Rita",
                                         last_name="Registered", email="rita@example.org")
        with app.app_context():
            speaker = Speaker(event_id=event.id, name="Sam Speaker", position=0)
            material = Material(event_id=event.id, kind="link", title="Site",
                                url="https://example.org/")
            editor = EventRole(event_id=event.id, organiser_id=editor_id, role="editor")
            question = Question(event_id=event.id, kind="short_text", label="Your role?")
            series = Series(name=f"Series {event.id}", slug=f"series-{event.id}")
            db.session.add_all([speaker, material, editor, question, series])
            db.session.flush()
            db.session.add(SeriesRole(series_id=series.id, organiser_id=owner, role="owner"))
            db.session.commit()
            return {**add_endpoint_with_delivery(owner), "event_id": event.id,
                    "speaker_id": speaker.id, "material_id": material.id,
                    "question_id": question.id,
                    "registration_id": registration.id, "organiser_id": owner,
                    "invitation_id": 1, "member_id": editor_id, "series_id": series.id,
                    "token_id": 1, "code": "fr"}

    return make


def url_of(rule, arguments: dict) -> str:
    return rule.build({name: arguments[name] for name in rule.arguments})[1]


def request(client, method: str, url: str, token: str):
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": token})
    # A streamed download (the CSV) keeps its request's context until closed, and the
    # next request of the test would share that context's objects.
    response.close()
    return response


def test_every_organiser_page_sends_visitors_to_sign_in(app, client, event_with_parts):
    arguments = event_with_parts()
    token = token_of(client)
    rules = organiser_rules(app)
    assert len(rules) > 15
    for rule, method in rules:
        response = request(client, method, url_of(rule, arguments), token)
        assert response.status_code == 302, (method, rule.rule)
        expected = "/organiser/login?next=" if method == "GET" else "/organiser/login"
        assert response.location.startswith(expected), (method, rule.rule)


def test_every_page_of_an_event_is_not_found_for_another_organiser(
    app, make_organiser, signed_in, event_with_parts
):
    arguments = event_with_parts()
    make_organiser("stranger@example.org", "Stan Stranger")
    stranger = signed_in("stranger@example.org")
    token = token_of(stranger, "/organiser/")
    event_rules = [(rule, method) for rule, method in organiser_rules(app)
                   if "event_id" in rule.arguments]
    for rule, method in event_rules:
        response = request(stranger, method, url_of(rule, arguments), token)
        assert response.status_code == 404, (method, rule.rule)
    with app.app_context():
        event = db.session.get(Event, arguments["event_id"])
        assert event.status == "published"
        assert len(event.speakers) == 1 and len(event.materials) == 1
        registration = db.session.get(Registration, arguments["registration_id"])
        assert registration.status == "confirmed" and registration.first_name == "Rita"


def test_every_organiser_page_works_for_the_owner(app, owner_client, event_with_parts):
    token = token_of(owner_client, "/organiser/")
    for rule, method in organiser_rules(app):
        if rule.endpoint in SESSION_ENDING:
            continue
        # A fresh event each time: some of these requests remove or cancel things.
        response = request(owner_client, method, url_of(rule, event_with_parts()), token)
        allowed = (403,) if rule.endpoint in ADMIN_ONLY else (200, 302, 303)
        assert response.status_code in allowed, (method, rule.rule, response.status_code)
        assert not (response.location or "").startswith("/organiser/login"), (method, rule.rule)


def placeholder_arguments(rule, known: dict) -> dict:
    """Fill a rule's arguments from known values; 1 fits any other converter (int or string)."""
    return {name: known.get(name, 1) for name in rule.arguments}


# The only POSTs without a CSRF token, each for a reason of its own.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: a mail provider POSTs without a session or a form.
    "registration.unsubscribe",
    "following.unsubscribe",
}


def test_every_post_in_the_app_refuses_a_missing_or_wrong_csrf_token(
    app, owner_client, event_with_parts
):
    arguments = event_with_parts()
    with app.app_context():
        arguments["slug"] = db.session.get(Event, arguments["event_id"]).slug
    post_rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(post_rules) > 10
    exempt = {rule.endpoint for rule in post_rules if rule.endpoint in CSRF_EXEMPT}
    assert exempt == CSRF_EXEMPT, "an exempt view that no longer exists: update the list"
    for rule in post_rules:
        if rule.endpoint in CSRF_EXEMPT:
            continue
        url = rule.build(placeholder_arguments(rule, arguments))[1]
        if api_resource(app, rule):
            # No CSRF in the API: only a bearer token authenticates, never the cookie.
            assert owner_client.post(url, json={}).status_code == 401, rule.rule
            continue
        for data in ({}, {"csrf_token": "not-the-token"}):
            response = owner_client.post(url, data=data)
            assert response.status_code == 400, (rule.rule, data)
            assert "Bad request" in response.text


def test_every_page_of_a_series_is_not_found_for_another_organiser(
    app, make_organiser, signed_in, event_with_parts
):
    arguments = event_with_parts()
    make_organiser("stranger@example.org", "Stan Stranger")
    stranger = signed_in("stranger@example.org")
    token = token_of(stranger, "/organiser/")
    series_rules = [(rule, method) for rule, method in organiser_rules(app)
                    if "series_id" in rule.arguments]  # fmt: skip
    assert len(series_rules) >= 8
    for rule, method in series_rules:
        response = request(stranger, method, url_of(rule, arguments), token)
        assert response.status_code == 404, (method, rule.rule)
    with app.app_context():
        series = db.session.get(Series, arguments["series_id"])
        assert series.name == f"Series {arguments['event_id']}"


def test_stranger_neither_lists_nor_opens_the_event(make_organiser, signed_in, owned_event):
    make_organiser("stranger@example.org", "Stan Stranger")
    stranger = signed_in("stranger@example.org")
    assert owned_event.title not in stranger.get("/organiser/").text
    assert stranger.get(f"/organiser/events/{owned_event.id}").status_code == 404


def test_admin_sees_every_event(make_organiser, signed_in, make_event, owned_event):
    orphan = make_event(title="Nobody's talk")
    make_organiser("root@example.org", "Ruth Root", is_admin=True)
    admin = signed_in("root@example.org")
    dashboard = admin.get("/organiser/").text
    assert owned_event.title in dashboard and "Nobody&#39;s talk" in dashboard
    assert admin.get(f"/organiser/events/{orphan.id}/edit").status_code == 200
