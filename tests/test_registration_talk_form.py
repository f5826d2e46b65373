"""The registration form made once per talk version: never older than the talk, cheap to send."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event as sa_event
from support.eventdata import counted_queries
from support.forms import VALID_FORM, csrf_token, register_through_form
from support.stored import registrations
from support.webhooks import deliveries

from webinar import seats
from webinar.extensions import db
from webinar.models import Answer, Event, OutboxEmail, Registration


def answers_of(app, event) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            db.select(Answer.value).join(Registration).where(Registration.event_id == event.id)
        ))  # fmt: skip


def form_page(client, event) -> str:
    response = client.get(f"/events/{event.slug}/register")
    assert response.status_code == 200
    return response.text


@contextmanager
def after_the_talk_is_read(app, change):
    """Run change() once, right after a request has read the talk's version for its form."""
    with app.app_context():
        engine = db.engine
    done = []

    def once(_conn, _cursor, statement, *_args):
        if not done and "content_version" in statement and "WHERE event.slug" in statement:
            done.append(True)
            change()

    sa_event.listen(engine, "after_cursor_execute", once)
    try:
        yield done
    finally:
        sa_event.remove(engine, "after_cursor_execute", once)


def test_a_question_added_while_the_form_is_open_is_asked_before_anything_is_saved(
    app, client, make_event, make_question
):
    event = make_event(capacity=10)
    form = dict(VALID_FORM, csrf_token=csrf_token(form_page(client, event)))
    make_question(event, "short_text", "Your role?", required=True)

    response = client.post(f"/events/{event.slug}/register", data=form)
    # Checked against the talk as it now is: the new question needs an answer.
    assert response.status_code == 200
    assert "Your role?" in response.text and "Please answer this question." in response.text
    assert registrations(app, event) == []
    with app.app_context():
        assert db.session.get(Event, event.id).seats_taken == 0

    form["csrf_token"] = csrf_token(response.text)
    form[question_field(response.text)] = "Cluster manager"
    assert client.post(f"/events/{event.slug}/register", data=form).status_code == 303
    assert len(registrations(app, event)) == 1
    assert answers_of(app, event) == ["Cluster manager"]


def test_a_question_added_right_after_a_post_read_the_talk_is_asked_too(
    app, make_event, make_question
):
    event = make_event(capacity=10)
    client = app.test_client()
    form = dict(VALID_FORM, csrf_token=csrf_token(form_page(client, event)))
    # The talk changes once the POST has read it (and so has the form it checks).
    make_question(event, "short_text", "Your team?")

    def add_question():
        make_question(event, "short_text", "Your role?", required=True)

    with after_the_talk_is_read(app, add_question) as done:
        response = client.post(f"/events/{event.slug}/register", data=form)
    assert done
    assert response.status_code == 200 and "Please answer this question." in response.text
    assert registrations(app, event) == []


def question_field(page: str) -> str:
    """Return the name of the required question's field on a form page."""
    (name,) = set(re.findall(r'name="(q_\d+)"[^>]*required', page))
    return name


def test_a_registration_checked_against_an_older_form_saves_nothing(app, make_event):
    event = make_event(capacity=10)
    with app.app_context():
        talk = db.session.get(Event, event.id)
        checked_version = talk.content_version
        talk.title = "A new title"
        db.session.commit()
        data = {**VALID_FORM, "language": "en"}
        outcome = seats.register(talk, data, form_version=checked_version)
        assert outcome.status == seats.CHANGED
        assert db.session.get(Event, event.id).seats_taken == 0
        assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))) == 0
        outcome = seats.register(talk, data, form_version=talk.content_version)
        assert outcome.status == seats.CONFIRMED
        assert outcome.registration.email == "ada@example.org"
    assert len(registrations(app, event)) == 1


def test_a_registration_runs_five_statements_with_or_without_questions(
    app, client, make_event, make_question
):
    plain, asking = make_event(capacity=1, waitlist_enabled=True), make_event(capacity=1)
    question = make_question(asking, "single_choice", "Cluster?", options=("Deep", "Clean"))

    def statements_to_register(event, email: str, **answers) -> list[str]:
        form = dict(VALID_FORM, email=email, csrf_token=csrf_token(form_page(client, event)),
                    **answers)  # fmt: skip
        with counted_queries(app) as statements:
            response = client.post(f"/events/{event.slug}/register", data=form)
        assert response.status_code == 303
        return statements

    answer = {f"q_{question['id']}": str(question["options"][0])}
    with app.app_context():
        # PostgreSQL takes a lock on the mailbox before counting its emails.
        turn = int(db.engine.dialect.name == "postgresql")
    seated = statements_to_register(plain, "ada@example.org")
    # The talk in the transaction (its version checked against the one the
    # form page read), the seat, the registration, the mailbox's count and the
    # email: no webhook query while no endpoint is on, no reading of the
    # questions once the form is made.
    assert len(seated) == 5 + turn
    assert len(statements_to_register(asking, "ada@example.org", **answer)) == 6 + turn
    # Full: the waiting list costs no more.
    assert len(statements_to_register(plain, "grace@example.org")) == 5 + turn
    assert [r.status for r in registrations(app, plain)] == ["confirmed", "waitlisted"]
    assert answers_of(app, asking) == ["Deep"]


def test_an_endpoint_added_after_registrations_without_any_gets_the_next_one(
    app, client, owner, owned_event, receiver, make_endpoint
):
    register_through_form(client, owned_event.slug, email="ada@example.org")
    assert deliveries(app) == []
    # Asked in each registration's own transaction: nothing kept from the last one.
    make_endpoint(owner, receiver.url)
    register_through_form(app.test_client(), owned_event.slug, email="grace@example.org")
    (grace,) = [r for r in registrations(app, owned_event) if r.email == "grace@example.org"]
    assert {d.event_type for d in deliveries(app)} == {
        "registration.created", "registration.confirmed"
    }
    assert {d.registration_id for d in deliveries(app)} == {grace.id}
