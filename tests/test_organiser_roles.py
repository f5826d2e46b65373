"""Roles per talk: one table says what each role may do, and every page and button follows it.

TABLE lists every organiser route of a talk (endpoint and method), the lowest
role that may use it, and the page that offers it (a link for GET, a form for
POST). The first test walks every such route of the app as an anonymous
visitor, an organiser without a role, a viewer, an editor, the owner and an
administrator, and checks each answer against the table; a route missing from
the table fails it. The second test reads the talk's pages as each role and
checks that a link or button is there exactly when the role may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from support.organisers import OWNER_EMAIL, token_of

from webinar.extensions import db
from webinar.models import Event, EventRole, Material, Question, Registration, Speaker

# Who may do what: administrators act as owners on every talk.
RANK = {"viewer": 1, "editor": 2, "owner": 3, "admin": 3}
ROLES = ("viewer", "editor", "owner", "admin")


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    # The lowest role that may use it: "viewer", "editor" or "owner".
    lowest: str
    # The page offering it: a link (GET) or a form (POST) to it; None when no page of
    # the test's talks offers it (the follow-up is sent only after the talk).
    shown_on: str | None
    # URL arguments taken from another of the talk's values: {"registration_id": "waitlisted_id"}.
    using: dict[str, str] = field(default_factory=dict)

    def allows(self, role: str) -> bool:
        return RANK[role] >= RANK[self.lowest]


TABLE = [
    Route("organiser.event", "GET", "viewer", "organiser.attendees"),
    Route("organiser.attendees", "GET", "viewer", "organiser.event"),
    Route("organiser.export_attendees", "GET", "viewer", "organiser.attendees"),
    Route("organiser.team", "GET", "viewer", "organiser.event"),
    Route("organiser.copy_event", "GET", "viewer", "organiser.event"),
    Route("organiser.copy_event", "POST", "viewer", "organiser.copy_event"),
    Route("organiser.edit_event", "GET", "editor", "organiser.event"),
    Route("organiser.edit_event", "POST", "editor", "organiser.edit_event"),
    Route("organiser.publish", "POST", "editor", "organiser.event"),
    Route("organiser.unpublish", "POST", "editor", "organiser.event"),
    Route("organiser.cancel", "GET", "editor", "organiser.event"),
    Route("organiser.cancel", "POST", "editor", "organiser.cancel"),
    Route("organiser.event_log", "GET", "editor", "organiser.event"),
    Route("organiser.cancel_registration", "POST", "editor", "organiser.attendees"),
    Route("organiser.promote_registration", "POST", "editor", "organiser.attendees",
          {"registration_id": "waitlisted_id"}),
    Route("organiser.resend_confirmation", "POST", "editor", "organiser.attendees"),
    Route("organiser.erase_registration", "GET", "editor", "organiser.attendees"),
    Route("organiser.erase_registration", "POST", "editor", "organiser.erase_registration"),
    Route("organiser.speakers", "GET", "editor", "organiser.event"),
    Route("organiser.speakers", "POST", "editor", "organiser.speakers"),
    Route("organiser.edit_speaker", "GET", "editor", "organiser.speakers"),
    Route("organiser.edit_speaker", "POST", "editor", "organiser.edit_speaker"),
    Route("organiser.move_speaker", "POST", "editor", "organiser.speakers"),
    Route("organiser.delete_speaker", "POST", "editor", "organiser.speakers"),
    Route("organiser.materials", "GET", "editor", "organiser.event"),
    Route("organiser.add_slides", "POST", "editor", "organiser.materials"),
    Route("organiser.add_link", "POST", "editor", "organiser.materials"),
    Route("organiser.delete_material", "POST", "editor", "organiser.materials"),
    Route("organiser.questions", "GET", "editor", "organiser.event"),
    Route("organiser.questions", "POST", "editor", "organiser.questions"),
    Route("organiser.edit_question", "GET", "editor", "organiser.questions"),
    Route("organiser.edit_question", "POST", "editor", "organiser.edit_question"),
    Route("organiser.move_question", "POST", "editor", "organiser.questions"),
    Route("organiser.delete_question", "POST", "editor", "organiser.questions"),
    Route("organiser.question_fields", "POST", "editor", "organiser.questions"),
    Route("organiser.copy_questions", "POST", "editor", "organiser.questions"),
    Route("organiser.talk_languages_page", "GET", "editor", "organiser.event"),
    Route("organiser.talk_languages_page", "POST", "editor", "organiser.talk_languages_page"),
    Route("organiser.talk_texts", "GET", "editor", "organiser.talk_languages_page"),
    Route("organiser.talk_texts", "POST", "editor", "organiser.talk_texts"),
    Route("organiser.announce", "GET", "editor", "organiser.event"),
    Route("organiser.announce", "POST", "editor", "organiser.announce"),
    Route("organiser.follow_up", "GET", "editor", "organiser.event"),
    Route("organiser.follow_up", "POST", "editor", None),
    Route("organiser.retry_failed_emails", "POST", "editor", "organiser.dashboard"),
    Route("organiser.team", "POST", "owner", "organiser.team"),
    Route("organiser.change_role", "POST", "owner", "organiser.team"),
    Route("organiser.remove_member", "POST", "owner", "organiser.team"),
    Route("organiser.transfer_ownership", "GET", "owner", "organiser.team"),
    Route("organiser.transfer_ownership", "POST", "owner", "organiser.transfer_ownership"),
    Route("organiser.delete_event", "GET", "owner", "organiser.event"),
    Route("organiser.delete_event", "POST", "owner", "organiser.delete_event"),
]  # fmt: skip
PEOPLE = {
    "viewer": ("vera@example.org", "Vera Viewer", False),
    "editor": ("eddie@example.org", "Eddie Editor", False),
    "admin": ("ada@example.org", "Ada Admin", True),
    "stranger": ("stan@example.org", "Stan Stranger", False),
}


@pytest.fixture
def world(app, make_event, make_registration, make_organiser, make_outbox_email, owner):
    """The organisers of the walk, and a function making a talk with a viewer and an editor.

    make_talk() gives a published talk with a confirmed and a waitlisted registration,
    two speakers, two materials, two questions and a failed email; make_talk(draft=True)
    a draft nobody registered for. Each returns the talk's URL argument values.
    """
    ids = {role: make_organiser(email, name, is_admin=admin)
           for role, (email, name, admin) in PEOPLE.items()}  # fmt: skip
    ids["owner"] = owner

    def make_talk(draft: bool = False) -> dict:
        event = make_event(owner_id=owner, capacity=1, waitlist_enabled=True,
                           status="draft" if draft else "published")  # fmt: skip
        values = {"event_id": event.id, "member_id": ids["viewer"], "code": "fr"}
        with app.app_context():
            db.session.add_all([
                EventRole(event_id=event.id, organiser_id=ids["viewer"], role="viewer"),
                EventRole(event_id=event.id, organiser_id=ids["editor"], role="editor"),
            ])  # fmt: skip
            db.session.commit()
        if draft:
            return values
        confirmed = make_registration(event, first_name="Cleo", email="cleo@example.org")
        waitlisted = make_registration(event, first_name="Will", email="will@example.org",
                                       status="waitlisted")  # fmt: skip
        make_outbox_email(registration_id=confirmed.id, status="failed")
        with app.app_context():
            speakers = [Speaker(event_id=event.id, name=f"Speaker {n}", position=n)
                        for n in range(2)]  # fmt: skip
            materials = [Material(event_id=event.id, kind="link", title=f"Link {n}",
                                  url="https://example.org/", position=n) for n in range(2)]
            questions = [Question(event_id=event.id, kind="short_text", label=f"Question {n}",
                                  position=n) for n in range(2)]  # fmt: skip
            db.session.add_all(speakers + materials + questions)
            db.session.commit()
            values.update(registration_id=confirmed.id, waitlisted_id=waitlisted.id,
                          speaker_id=speakers[0].id, material_id=materials[0].id,
                          question_id=questions[0].id)  # fmt: skip
        return values

    return ids, make_talk


@pytest.fixture
def clients(app, signed_in, owner_client, world):
    """A client for each of the six: anonymous, stranger, viewer, editor, owner, admin."""
    made = {role: signed_in(PEOPLE[role][0]) for role in ("viewer", "editor", "admin", "stranger")}
    return dict(made, anonymous=app.test_client(), owner=owner_client)


def talk_rules(app) -> dict[tuple[str, str], object]:
    """Return {(endpoint, method): rule} of every organiser route that takes a talk's id."""
    return {
        (rule.endpoint, method): rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/organiser") and "event_id" in rule.arguments
        for method in rule.methods & {"GET", "POST"}
    }


def url(rule, route: Route, values: dict) -> str | None:
    """Return the rule's path for a talk, or None when the talk has no value it needs."""
    names = {name: route.using.get(name, name) for name in rule.arguments}
    if any(source not in values for source in names.values()):
        return None
    return rule.build({name: values[source] for name, source in names.items()})[1]


def send(client, method: str, path: str, token: str | None):
    response = client.get(path) if method == "GET" else client.post(
        path, data={"csrf_token": token} if token else {})  # fmt: skip
    response.close()  # the CSV download streams until closed
    return response


def test_the_table_covers_every_route_of_a_talk(app):
    routes = {(route.endpoint, route.method) for route in TABLE}
    assert len(routes) == len(TABLE), "a route is in the table twice"
    assert routes == set(talk_rules(app)), "every route of a talk needs one row in TABLE"


def test_every_route_of_a_talk_answers_each_role_as_the_table_says(app, world, clients):
    ids, make_talk = world
    rules = talk_rules(app)
    tokens = {who: token_of(client, "/organiser/") for who, client in clients.items()
              if who != "anonymous"}  # fmt: skip
    tokens["anonymous"] = token_of(clients["anonymous"])
    # Refused requests all go to one talk, which must come out of the walk unchanged.
    untouched = make_talk()
    answers = {}
    for route in TABLE:
        rule = rules[(route.endpoint, route.method)]
        for who, client in clients.items():
            allowed = who in RANK and route.allows(who)
            # A fresh talk for each change that goes through: some remove or cancel things.
            values = make_talk() if allowed and route.method == "POST" else untouched
            response = send(client, route.method, url(rule, route, values), tokens[who])
            where = (route.endpoint, route.method, who, response.status_code)
            answers[(route.endpoint, route.method, who)] = response.status_code
            if who == "anonymous":
                assert response.status_code == 302, where
                assert response.location.startswith("/organiser/login"), where
            elif who == "stranger":
                assert response.status_code == 404, where
            elif allowed:
                assert response.status_code in (200, 302, 303), where
                assert not (response.location or "").startswith("/organiser/login"), where
            else:
                assert response.status_code == 403, where
                page = response.get_data(as_text=True)
                assert f"You are a {who} of this talk" in page or \
                    f"You are an {who} of this talk" in page, where
                assert f'href="/organiser/events/{untouched["event_id"]}"' in page, where
    assert len(answers) == len(TABLE) * 6
    with app.app_context():
        event = db.session.get(Event, untouched["event_id"])
        assert event is not None and event.status == "published" and event.owner_id == ids["owner"]
        assert len(event.speakers) == 2 and len(event.materials) == 2
        assert [question.label for question in event.questions] == ["Question 0", "Question 1"]
        statuses = db.session.scalars(db.select(Registration.status).where(
            Registration.event_id == event.id).order_by(Registration.id)).all()  # fmt: skip
        assert statuses == ["confirmed", "waitlisted"]
        roles = db.session.scalars(db.select(EventRole.role).where(
            EventRole.event_id == event.id).order_by(EventRole.role)).all()  # fmt: skip
        assert roles == ["editor", "viewer"]


class Controls(HTMLParser):
    """Collect a page's links (GET) and POST forms as (method, path)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[tuple[str, str]] = set()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href", "").startswith("/"):
            self.found.add(("GET", urlsplit(attributes["href"]).path))
        elif tag == "form" and attributes.get("method", "").lower() == "post":
            self.found.add(("POST", urlsplit(attributes.get("action", "")).path))


def controls_of(client, path: str) -> set[tuple[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, path
    parser = Controls()
    parser.feed(response.get_data(as_text=True))
    return parser.found


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_the_links_and_buttons_it_may_use_and_no_other(app, world, clients, role):
    _ids, make_talk = world
    client = clients[role]
    rules = talk_rules(app)
    talks = [make_talk(), make_talk(draft=True)]
    # The controls on each page the role may open, by page endpoint, of both talks.
    pages: dict[str, set[tuple[str, str]]] = {
        "organiser.dashboard": controls_of(client, "/organiser/")
    }
    for route in TABLE:
        if route.method != "GET" or not route.allows(role):
            continue
        for values in talks:
            path = url(rules[(route.endpoint, "GET")], route, values)
            if path is not None:
                pages.setdefault(route.endpoint, set()).update(controls_of(client, path))
    everywhere = set().union(*pages.values())
    for route in TABLE:
        targets = {(route.method, path) for values in talks
                   if (path := url(rules[(route.endpoint, route.method)], route, values))}
        if not route.allows(role):
            assert not targets & everywhere, (role, "is offered", route)
        elif route.shown_on is not None:
            assert targets & pages[route.shown_on], (role, "is not offered", route)


def test_the_overview_shows_the_team_to_everyone_on_it(world, clients):
    _ids, make_talk = world
    talk = make_talk()
    page = clients["viewer"].get(f"/organiser/events/{talk['event_id']}").text
    assert "Olga Owner <span class=\"meta\">(owner)</span>" in page
    assert "Eddie Editor <span class=\"meta\">(editor)</span>" in page
    assert "Vera Viewer <span class=\"meta\">(viewer)</span>" in page
    assert "See the team and what each role may do" in page
    assert OWNER_EMAIL not in page  # the overview names people; their addresses are on Team


def test_a_talk_is_listed_on_the_dashboard_of_everyone_on_its_team(world, clients):
    _ids, make_talk = world
    make_talk()
    for who in ROLES:
        assert "Talk number 1" in clients[who].get("/organiser/").text, who
    assert "Talk number 1" not in clients["stranger"].get("/organiser/").text


# Every organiser route of a series, as TABLE for talks: the lowest role that may use it
# and the page that offers it. member_id is the series' viewer.
SERIES_TABLE = [
    Route("organiser.series", "GET", "viewer", "organiser.series_index"),
    Route("organiser.edit_series", "GET", "editor", "organiser.series"),
    Route("organiser.edit_series", "POST", "editor", "organiser.edit_series"),
    Route("organiser.add_series_member", "POST", "owner", "organiser.series"),
    Route("organiser.change_series_role", "POST", "owner", "organiser.series"),
    Route("organiser.remove_series_member", "POST", "owner", "organiser.series"),
    Route("organiser.delete_series", "GET", "owner", "organiser.series"),
    Route("organiser.delete_series", "POST", "owner", "organiser.delete_series"),
    Route("organiser.series_followers", "GET", "viewer", "organiser.series"),
    Route("organiser.export_followers", "GET", "viewer", "organiser.series_followers"),
]  # fmt: skip


@pytest.fixture
def make_series_with_team(app, world):
    """Return a function making a series with one talk, owned by Olga, a viewer and an editor."""
    from webinar.models import Series, SeriesRole

    ids, make_talk = world
    numbers = iter(range(1, 1000))

    def make() -> dict:
        number = next(numbers)
        talk = make_talk(draft=True)
        with app.app_context():
            series = Series(name=f"Series {number}", slug=f"series-{number}")
            db.session.add(series)
            db.session.flush()
            db.session.add_all([SeriesRole(series_id=series.id, organiser_id=ids[role], role=role)
                                for role in ("owner", "editor", "viewer")])  # fmt: skip
            db.session.get(Event, talk["event_id"]).series_id = series.id
            db.session.commit()
            return {"series_id": series.id, "member_id": ids["viewer"]}

    return make


def series_rules(app) -> dict[tuple[str, str], object]:
    """Return {(endpoint, method): rule} of every organiser route that takes a series' id."""
    return {
        (rule.endpoint, method): rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/organiser") and "series_id" in rule.arguments
        for method in rule.methods & {"GET", "POST"}
    }


def test_the_series_table_covers_every_route_of_a_series(app):
    assert {(route.endpoint, route.method) for route in SERIES_TABLE} == set(series_rules(app))


def test_every_route_of_a_series_answers_each_role_as_the_table_says(
    app, clients, make_series_with_team
):
    from webinar.models import Series

    rules = series_rules(app)
    tokens = {who: token_of(client, "/organiser/") for who, client in clients.items()
              if who != "anonymous"}  # fmt: skip
    tokens["anonymous"] = token_of(clients["anonymous"])
    untouched = make_series_with_team()
    for route in SERIES_TABLE:
        rule = rules[(route.endpoint, route.method)]
        for who, client in clients.items():
            allowed = who in RANK and route.allows(who)
            values = make_series_with_team() if allowed and route.method == "POST" else untouched
            response = send(client, route.method, url(rule, route, values), tokens[who])
            where = (route.endpoint, route.method, who, response.status_code)
            if who == "anonymous":
                assert response.location.startswith("/organiser/login"), where
            elif who == "stranger":
                assert response.status_code == 404, where
            elif allowed:
                assert response.status_code in (200, 302, 303), where
            else:
                assert response.status_code == 403, where
                assert f"of this series, and {who}s cannot do this" in response.text, where
    with app.app_context():
        assert db.session.get(Series, untouched["series_id"]).name == "Series 1"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_the_series_links_and_buttons_it_may_use_and_no_other(
    app, clients, make_series_with_team, role
):
    client = clients[role]
    rules = series_rules(app)
    values = make_series_with_team()
    pages = {"organiser.series_index": controls_of(client, "/organiser/series")}
    for route in SERIES_TABLE:
        if route.method == "GET" and route.allows(role):
            pages[route.endpoint] = controls_of(client, url(rules[(route.endpoint, "GET")],
                                                            route, values))  # fmt: skip
    everywhere = set().union(*pages.values())
    for route in SERIES_TABLE:
        target = (route.method, url(rules[(route.endpoint, route.method)], route, values))
        if not route.allows(role):
            assert target not in everywhere, (role, "is offered", route)
        else:
            assert target in pages[route.shown_on], (role, "is not offered", route)
    new_talk = f'href="/organiser/events/new?series={values["series_id"]}"'
    overview = client.get(f"/organiser/series/{values['series_id']}").text
    assert (new_talk in overview) == (role != "viewer")
