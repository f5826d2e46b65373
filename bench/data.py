"""The data the benchmark needs, written straight into the app's database.

Events, an organiser and registrations are made with the app's own models, in
bulk where there are many (one executemany per chunk), so 100,000 rows take
seconds.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import func, insert, text, update

from webinar import create_app
from webinar.extensions import db
from webinar.models import Event, Organiser, OutboxEmail, Registration, Speaker

ORGANISER_EMAIL = "bench-organiser@example.org"
ORGANISER_PASSWORD = "bench-password-" + secrets.token_hex(8)
CHUNK = 5_000


def make_app(database_url: str, workdir, secret_key: str, **settings) -> Flask:
    """Return the webinar app on database_url, configured as the served one is."""
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secret_key,
        "UPLOAD_FOLDER": str(workdir / "uploads"),
        "MAILBOX_FOLDER": str(workdir / "mailbox"),
        # Production settings are checked at start-up; no link is followed here.
        "PUBLIC_URL": "https://bench.webinar.test",
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
    }
    config.update(settings)
    return create_app(config)


def migrate(app: Flask) -> None:
    """Bring the database of app to the latest migration."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def create_event(app: Flask, slug: str, capacity: int | None, speakers: int = 3) -> int:
    """Create a published talk in a month's time and return its id."""
    starts_at = (datetime.now(UTC) + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        event = Event(
            slug=slug,
            title=f"Benchmark talk {slug}",
            series_label="EU Clusters Talk",
            event_type="Webinar",
            target_audience="Cluster managers",
            summary="A talk the benchmark registers thousands of people for.",
            description="## Agenda\n\n- Welcome\n- **Talks**\n- Questions and answers\n",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1, minutes=30),
            status="published",
            capacity=capacity,
            waitlist_enabled=True,
            join_url="https://meet.example.org/bench-room",
        )
        event.speakers = [
            Speaker(position=n, name=f"Speaker {n}", role="Cluster manager", organisation="Org")
            for n in range(speakers)
        ]
        db.session.add(event)
        db.session.commit()
        return event.id


def published_slugs(app: Flask) -> list[str]:
    """Return the slugs of the published talks, soonest first."""
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Event.slug).where(Event.status == "published").order_by(Event.starts_at)
            )
        )


def create_organiser(app: Flask, event_ids: list[int]) -> None:
    """Create an admin organiser who owns the given events."""
    from werkzeug.security import generate_password_hash

    with app.app_context():
        organiser = Organiser(email=ORGANISER_EMAIL, name="Bench Organiser", is_admin=True)
        if hasattr(organiser, "set_password"):
            organiser.set_password(ORGANISER_PASSWORD)
        else:
            organiser.password_hash = generate_password_hash(ORGANISER_PASSWORD)
        db.session.add(organiser)
        db.session.flush()
        db.session.execute(
            update(Event).where(Event.id.in_(event_ids)).values(owner_id=organiser.id)
        )
        db.session.commit()


def add_registrations(app: Flask, event_id: int, count: int, start: int = 0) -> list[str]:
    """Insert count confirmed registrations (numbered from start); return their tokens."""
    tokens = []
    created = datetime.now(UTC) - timedelta(days=10)
    with app.app_context():
        for first in range(start, start + count, CHUNK):
            rows = []
            for number in range(first, min(first + CHUNK, start + count)):
                email = f"attendee{number}@example.org"
                token = secrets.token_urlsafe(32)
                tokens.append(token)
                rows.append(
                    {
                        "event_id": event_id,
                        "token": token,
                        "first_name": f"First{number}",
                        "last_name": f"Last{number}",
                        "email": email,
                        "email_normalised": email,
                        "organisation": f"Cluster {number % 97}",
                        "country": "BE",
                        "job_title": "Cluster manager",
                        "status": "confirmed",
                        "created_at": created + timedelta(seconds=number),
                        "privacy_consent_at": created,
                        "privacy_notice_version": "bench",
                    }
                )
            db.session.execute(insert(Registration), rows)
        db.session.execute(
            update(Event).where(Event.id == event_id).values(seats_taken=Event.seats_taken + count)
        )
        db.session.commit()
    settle(app, "registration")
    return tokens


def settle(app: Flask, table: str) -> None:
    """Vacuum and analyse a table on PostgreSQL, as autovacuum soon does after a bulk load.

    Without fresh statistics the planner guesses from an empty table; without
    the vacuum, the rows a trigram index got during the load wait in its
    pending list, which every search reads through.
    """
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM ANALYZE {table}"))


def queue_emails(app: Flask, event_id: int) -> int:
    """Queue one due confirmation email per registration of the event; return how many."""
    due = datetime.now(UTC) - timedelta(minutes=1)
    with app.app_context():
        ids = db.session.execute(
            db.select(Registration.id, Registration.email).where(Registration.event_id == event_id)
        ).all()
        for first in range(0, len(ids), CHUNK):
            rows = [
                {
                    "kind": "confirmation",
                    "registration_id": registration_id,
                    "recipient": email,
                    "subject": "You are registered: Benchmark talk",
                    "text_body": "Hello,\n\nyou are registered.\n" + "Join details.\n" * 20,
                    "html_body": "<p>Hello,</p><p>you are registered.</p>" + "<p>Join.</p>" * 20,
                    "status": "pending",
                    "next_attempt_at": due,
                    "created_at": due,
                }
                for registration_id, email in ids[first : first + CHUNK]
            ]
            db.session.execute(insert(OutboxEmail), rows)
        db.session.commit()
        return len(ids)


def outbox_counts(app: Flask) -> dict[str, int]:
    """Return the number of outbox emails in each state."""
    with app.app_context():
        return dict(
            db.session.execute(
                db.select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)
            ).all()
        )


def seat_counts(app: Flask, event_id: int) -> dict:
    """Return an event's capacity and seat counter beside its registrations by status."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        by_status = dict(
            db.session.execute(
                db.select(Registration.status, func.count())
                .where(Registration.event_id == event_id)
                .group_by(Registration.status)
            ).all()
        )
        counts = {"capacity": event.capacity, "seats_taken": event.seats_taken, **by_status}
        db.session.remove()
        return counts


def unique_slug(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def dispose(app: Flask) -> None:
    """Close the app's database connections."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# The benchmark's questions: (kind, label, options). Answers are spread so that
# each filter keeps a fair share of the people, as a real form's would.
QUESTIONS = (
    ("single_choice", "Your cluster",
     ("Energy", "Health", "Digital", "Agrifood", "Mobility", "Other")),  # fmt: skip
    ("multiple_choice", "Topics", ("AI", "Funding", "Policy", "Skills", "Export")),
    ("yes_no", "May we record you?", ()),
    ("short_text", "Your question for the speakers", ()),
    ("number", "Staff in your cluster", ()),
)


def add_questions(app: Flask, event_id: int) -> dict[str, dict]:
    """Add the benchmark's five questions to a talk; return {kind: {id, options}}."""
    from webinar.models import Question, QuestionOption

    made = {}
    with app.app_context():
        for position, (kind, label, options) in enumerate(QUESTIONS):
            question = Question(event_id=event_id, kind=kind, label=label, position=position)
            question.options = [
                QuestionOption(text=text, position=n) for n, text in enumerate(options)
            ]
            db.session.add(question)
            db.session.flush()
            made[kind] = {"id": question.id, "label": label, "position": position,
                          "options": [(o.id, o.text) for o in question.options]}  # fmt: skip
        db.session.commit()
    return made


def answer_rows(registration_id: int, number: int, questions: dict[str, dict]) -> list[dict]:
    """Return the answer rows of the person with this number: nine in ten answer at all."""
    if number % 10 == 9:
        return []
    rows = []

    def add(kind: str, value: str, option_id: int | None = None) -> None:
        question = questions[kind]
        rows.append({"registration_id": registration_id, "question_id": question["id"],
                     "option_id": option_id, "question_label": question["label"],
                     "question_kind": kind, "question_position": question["position"],
                     "value": value})  # fmt: skip

    cluster = questions["single_choice"]["options"]
    add("single_choice", cluster[number % len(cluster)][1], cluster[number % len(cluster)][0])
    topics = questions["multiple_choice"]["options"]
    for step in (0, 2) if number % 3 else (1,):
        option_id, text = topics[(number + step) % len(topics)]
        add("multiple_choice", text, option_id)
    add("yes_no", "yes" if number % 4 else "no")
    if number % 2:
        add("short_text", f"What comes next for cluster {number % 97}?")
    add("number", str(number % 250))
    return rows


def add_answers(app: Flask, event_id: int, questions: dict, start: int, count: int) -> int:
    """Store answers for the registrations numbered start to start + count; return how many rows."""
    from webinar.models import Answer

    stored = 0
    with app.app_context():
        ids = db.session.scalars(
            db.select(Registration.id).where(Registration.event_id == event_id)
            .order_by(Registration.id).offset(start).limit(count)
        ).all()  # fmt: skip
        for first in range(0, len(ids), CHUNK):
            rows = []
            for offset, registration_id in enumerate(ids[first : first + CHUNK]):
                rows += answer_rows(registration_id, start + first + offset, questions)
            db.session.execute(insert(Answer), rows)
            stored += len(rows)
        db.session.commit()
    settle(app, "answer")
    return stored
