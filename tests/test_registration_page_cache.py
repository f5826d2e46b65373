"""The registration pages stay cheap and never stale: fixed query counts, changes shown at once."""

from __future__ import annotations

from support.eventdata import counted_queries, queries_to_show
from support.forms import VALID_FORM, csrf_token, hidden_value
from support.organisers import token_of
from support.stored import registrations
from test_updates import edit

from webinar.extensions import db
from webinar.models import Event, Question


def form_of(client, event, query: str = "") -> str:
    response = client.get(f"/events/{event.slug}/register{query}")
    assert response.status_code == 200
    return response.text


def with_questions(event, make_question, count: int) -> None:
    for number in range(count):
        options = tuple(f"Option {number}.{n}" for n in range(12))
        make_question(event, "single_choice", f"Question {number}?", options=options)
        make_question(event, "multiple_choice", f"Topics {number}?", options=options[:5])


def queries_to_register(app, client, event, email: str) -> tuple[int, int]:
    """Return the SQL statements of the POST and of the "received" page of one registration."""
    form = dict(VALID_FORM, email=email, csrf_token=csrf_token(form_of(client, event)))
    with counted_queries(app) as statements:
        response = client.post(f"/events/{event.slug}/register", data=form)
        assert response.status_code == 303, response.text
        posted = len(statements)
        assert client.get(response.location).status_code == 200
    return posted, len(statements) - posted


def test_registration_pages_run_as_many_queries_with_many_questions_as_with_one(
    app, client, make_event, make_question
):
    plain, asking = make_event(capacity=50), make_event(capacity=50)
    make_question(plain, "single_choice", "Question?", options=("Yes", "No"))
    with_questions(asking, make_question, 3)

    def first_and_cached(event) -> tuple[int, int]:
        path = f"/events/{event.slug}/register"
        return queries_to_show(app, client, path), queries_to_show(app, client, path)

    assert first_and_cached(plain) == first_and_cached(asking)
    # Answered from the cache: one query, for the talk's key and registration state.
    assert first_and_cached(plain)[1] == 1
    assert queries_to_register(app, client, plain, "ada@example.org") == (
        queries_to_register(app, client, asking, "ada@example.org")
    )
    token = registrations(app, plain)[0].token
    other = registrations(app, asking)[0].token
    assert queries_to_show(app, client, f"/registrations/{token}") == queries_to_show(
        app, client, f"/registrations/{other}"
    )


def test_a_registration_does_not_render_the_form_again(app, client, make_event):
    event = make_event(capacity=50)
    form_of(client, event)
    queries_to_register(app, client, event, "ada@example.org")
    assert queries_to_show(app, client, f"/events/{event.slug}/register") == 1


def test_each_visitor_gets_their_own_token_campaign_and_referrer(app, make_event):
    event = make_event()
    first, second = app.test_client(), app.test_client()
    plain = form_of(first, event)
    tagged = second.get(
        f"/events/{event.slug}/register?utm_source=news&utm_campaign=spring",
        headers={"Referer": 'https://example.org/"><script>alert(1)</script>'},
    ).text
    assert csrf_token(plain) != csrf_token(tagged)
    assert hidden_value(plain, "utm_source") == "" and hidden_value(plain, "referrer") == ""
    assert hidden_value(tagged, "utm_source") == "news"
    assert hidden_value(tagged, "utm_campaign") == "spring"
    assert "<script>alert(1)</script>" not in tagged
    assert "https://example.org/&#34;&gt;&lt;script&gt;" in tagged
    # The token of the cached page is the visitor's own: the form is accepted.
    hidden = {name: hidden_value(tagged, name) for name in ("utm_source", "utm_campaign")}
    form = dict(VALID_FORM, csrf_token=csrf_token(tagged), **hidden)
    response = second.post(f"/events/{event.slug}/register", data=form)
    assert response.status_code == 303
    (registration,) = registrations(app, event)
    assert (registration.utm_source, registration.utm_campaign) == ("news", "spring")


def test_a_question_edited_by_an_organiser_shows_at_once(
    app, owner_client, owned_event, make_question
):
    made = make_question(owned_event, "single_choice", "Cluster?", options=("Deep", "Clean"))
    assert "Cluster?" in form_of(owner_client, owned_event)
    url = f"/organiser/events/{owned_event.id}/questions/{made['id']}/edit"
    response = owner_client.post(url, data={
        "csrf_token": token_of(owner_client, "/organiser/"),
        "kind": "single_choice", "label": "Which cluster?", "options": "Deep\nQuantum",
    })  # fmt: skip
    assert response.status_code == 302
    page = form_of(owner_client, owned_event)
    assert "Which cluster?" in page and "Quantum" in page and "Cluster?" not in page


def test_a_new_question_shows_at_once(client, make_event, make_question):
    event = make_event()
    assert "Your role?" not in form_of(client, event)
    make_question(event, "short_text", "Your role?")
    assert "Your role?" in form_of(client, event)


def test_an_edited_talk_shows_at_once_on_its_form(app, client, owner_client, owner, talk):
    event = talk(owner_id=owner)
    assert event.title in form_of(client, event)
    edit(owner_client, event, title="A better title")
    assert "A better title" in form_of(client, event)


def test_a_form_whose_registration_closed_is_not_served_from_the_cache(
    app, client, clock, make_event
):
    from support.factories import in_days

    event = make_event(registration_closes_at=in_days(1))
    assert 'name="email"' in form_of(client, event)
    clock.advance(days=2)
    page = client.get(f"/events/{event.slug}/register").text
    assert 'name="email"' not in page


def test_a_full_talk_shows_its_waiting_list_form_at_once(app, client, make_event):
    event = make_event(capacity=1, waitlist_enabled=True)
    assert "Join the waiting list" not in form_of(client, event)
    other = app.test_client()
    other.post(
        f"/events/{event.slug}/register",
        data=dict(VALID_FORM, csrf_token=csrf_token(form_of(other, event))),
    )
    assert "Join the waiting list" in form_of(client, event)


def test_the_form_is_in_each_language_of_the_talk(app, client, make_event, make_question):
    event = make_event(other_languages=["fr", "de"])
    question = make_question(event, "short_text", "Your role?")
    with app.app_context():
        stored = db.session.get(Question, question["id"])
        stored.translations = {"fr": {"label": "Votre rôle ?"}, "de": {"label": "Ihre Rolle?"}}
        db.session.commit()
    english = form_of(client, event)
    french = form_of(client, event, "?lang=fr")
    german = form_of(client, event, "?lang=de")
    assert "Your role?" in english and "First name" in english
    assert "Votre rôle ?" in french and "Prénom" in french
    assert "Ihre Rolle?" in german and "Vorname" in german
    assert "Your role?" in form_of(client, event)


def test_a_form_with_errors_keeps_the_values_typed_and_is_never_served_to_others(
    app, client, make_event
):
    event = make_event()
    form = dict(VALID_FORM, email="not an address", first_name="Grace",
                csrf_token=csrf_token(form_of(client, event)))  # fmt: skip
    page = client.post(f"/events/{event.slug}/register", data=form).text
    assert 'value="Grace"' in page and "Please enter an email address" in page
    fresh = form_of(app.test_client(), event)
    assert "Grace" not in fresh and "Please enter an email address" not in fresh


def test_the_received_page_names_each_visitor_their_own_address(app, make_event):
    event = make_event()
    pages = []
    for email in ("ada@example.org", "grace@example.org"):
        visitor = app.test_client()
        form = dict(VALID_FORM, email=email, csrf_token=csrf_token(form_of(visitor, event)))
        response = visitor.post(f"/events/{event.slug}/register", data=form)
        pages.append(visitor.get(response.location).text)
    assert "ada@example.org" in pages[0] and "grace@example.org" not in pages[0]
    assert "grace@example.org" in pages[1] and "ada@example.org" not in pages[1]
    with app.app_context():
        assert db.session.get(Event, event.id).seats_taken == 2
