"""The join link has a secret of its own: forwarded, it opens the talk and nothing else."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from support.forms import csrf_token, register_through_form
from support.stored import emails, registration, registrations

JOIN_URL = "https://meet.example.org/secret-room"
URL_SAFE = re.compile(r"[A-Za-z0-9_-]{43,64}")
# What the person typed into the form (support.forms.VALID_FORM).
PERSONAL = ("Ada", "Lovelace", "ada@example.org", "Analytical Engines", "Programmer")


def soon() -> datetime:
    """Return a start time inside the join window: five minutes from now."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)


def routes_taking_a_registration_token(app) -> list:
    """Return every rule of the URL map with a <token>, except the join link itself."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "token" in rule.arguments and rule.endpoint != "registration.join"
    ]


@pytest.fixture
def ada(app, client, make_event):
    """Register Ada through the form for a talk starting soon; return her registration."""
    event = make_event(starts_at=soon(), title="Clusters and AI")
    register_through_form(
        client, event.slug, query="?utm_source=newsletter&utm_campaign=spring"
    )
    [row] = registrations(app, event)
    return row


def test_the_join_link_has_its_own_url_safe_secret(app, ada):
    assert URL_SAFE.fullmatch(ada.join_token)
    assert ada.join_token != ada.token


def test_emails_carry_the_join_secret_and_the_personal_link(app, ada):
    [email] = emails(app, "confirmation")
    for body in (email.text_body, email.html_body):
        assert f"http://webinar.test/join/{ada.join_token}" in body
        assert f"http://webinar.test/registrations/{ada.token}" in body
    assert f"/join/{ada.token}" not in email.text_body + email.html_body


def test_calendar_files_carry_the_join_link_and_never_the_personal_link(app, client, ada):
    [email] = emails(app, "confirmation")
    download = client.get(f"/registrations/{ada.token}.ics").text
    for ics in (email.ics, download):
        unfolded = ics.replace("\r\n ", "")
        [vevent] = Calendar.from_ical(ics).walk("VEVENT")
        assert str(vevent["URL"]) == f"http://webinar.test/join/{ada.join_token}"
        assert ada.token not in unfolded
        assert "/registrations/" not in unfolded


def test_a_forwarded_join_link_opens_the_talk(app, client, ada):
    response = client.get(f"/join/{ada.join_token}")
    assert response.status_code == 303
    assert response.location == JOIN_URL
    assert registration(app, ada.token).joined_at is not None


def test_the_join_secret_opens_no_route_of_the_registration(app, client, ada):
    rules = routes_taking_a_registration_token(app)
    endpoints = {rule.endpoint for rule in rules}
    assert endpoints >= {
        "registration.manage", "registration.calendar", "registration.cancel",
        "registration.forget", "registration.data",
    }  # fmt: skip
    # A valid CSRF token of this client's session, so a POST reaches the view.
    csrf = csrf_token(client.get("/organiser/login").data)
    tried = 0
    for rule in rules:
        url = rule.rule.replace("<token>", ada.join_token)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": csrf, "confirm": "yes"} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            assert response.status_code == 404, f"{method} {url}"
            for detail in (*PERSONAL, ada.token):
                assert detail not in response.text, f"{method} {url} shows {detail}"
            tried += 1
    assert tried >= 7  # five GETs, and the POSTs of cancel and delete
    after = registration(app, ada.token)
    assert after.status == "confirmed" and after.anonymised_at is None
    assert after.first_name == "Ada"


def test_the_page_of_a_join_link_shows_the_talk_and_nothing_personal(app, client, make_event):
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    event = make_event(starts_at=later, title="Clusters and AI")
    register_through_form(client, event.slug)
    [row] = registrations(app, event)
    page = client.get(f"/join/{row.join_token}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Clusters and AI" in page.text
    assert "The join link opens on" in page.text
    assert f'href="/events/{event.slug}"' in page.text
    assert "/registrations/" not in page.text
    assert row.token not in page.text
    for detail in PERSONAL:
        assert detail not in page.text, detail
    assert JOIN_URL not in page.text


def test_an_old_join_link_with_the_personal_token_still_joins(app, client, ada):
    """Join links sent before join links had their own secret carried the personal token."""
    response = client.get(f"/join/{ada.token}")
    assert response.status_code == 303
    assert response.location == JOIN_URL
    assert registration(app, ada.token).joined_at is not None


def test_an_old_join_link_before_the_start_shows_no_personal_link(app, client, make_event):
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    event = make_event(starts_at=later)
    register_through_form(client, event.slug)
    [row] = registrations(app, event)
    page = client.get(f"/join/{row.token}").text
    assert "The join link opens on" in page
    assert "/registrations/" not in page and "Ada" not in page


def test_after_delete_my_data_the_join_link_stops_working(app, client, ada):
    old_join_link = f"/join/{ada.join_token}"
    confirm = client.get(f"/registrations/{ada.token}/delete")
    client.post(
        f"/registrations/{ada.token}/delete", data={"csrf_token": csrf_token(confirm.data)}
    )
    erased = registration(app, ada.token)
    assert erased.anonymised_at is not None
    assert erased.join_token != ada.join_token and URL_SAFE.fullmatch(erased.join_token)
    assert client.get(old_join_link).status_code == 404
    assert client.get(f"/join/{ada.token}").status_code == 404


# The migration that gave join links their own secret, on a database holding
# registrations made before it.


def join_token_migration():
    """Return the Alembic script that adds the join secret (its revision and the one before)."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    import webinar

    scripts = ScriptDirectory(str(Path(webinar.__file__).parent / "migrations"))
    [script] = [s for s in scripts.walk_revisions() if s.path.endswith("_join_token.py")]
    return script


@pytest.fixture
def empty_database_url(database, tmp_path):
    """Return the URL of a new, empty database of the backend under test."""
    import uuid

    import sqlalchemy as sa
    from support.database import POSTGRES_ADMIN_URL

    if database.backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    name = f"webinar_migration_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def insert_old_registrations(starts_at: datetime, count: int) -> list[str]:
    """Insert a talk and `count` registrations as the schema before the join secret held them."""
    import secrets

    import sqlalchemy as sa

    from webinar.extensions import db
    from webinar.models import UTCDateTime

    def table(name: str, *columns: str, times: tuple[str, ...] = ()):
        return sa.table(
            name, *(sa.column(c) for c in columns), *(sa.column(c, UTCDateTime) for c in times)
        )

    event = table(
        "event", "slug", "title", "series", "event_type", "target_audience", "organised_by",
        "summary", "description", "banner_alt", "timezone", "location", "join_url",
        "seats_taken", "waitlist_enabled", "status", "recording_url", "post_summary",
        "reminder_24h", "reminder_1h", "ics_sequence",
        times=("starts_at", "ends_at", "created_at", "updated_at"),
    )  # fmt: skip
    registration = table(
        "registration", "event_id", "token", "first_name", "last_name", "email",
        "email_normalised", "organisation", "country", "job_title", "status",
        "attendee_timezone", "utm_source", "utm_medium", "utm_campaign", "referrer",
        "privacy_notice_version", "marketing_consent", times=("created_at",),
    )  # fmt: skip
    texts = dict.fromkeys(("series", "event_type", "target_audience", "organised_by",
                           "summary", "description", "banner_alt", "location",
                           "recording_url", "post_summary"), "")  # fmt: skip
    event_id = db.session.execute(
        sa.insert(event).returning(sa.column("id")),
        dict(texts, slug="old-talk", title="An older talk", timezone="Europe/Brussels",
             join_url=JOIN_URL, seats_taken=count, waitlist_enabled=False,
             status="published", reminder_24h=True, reminder_1h=True, ics_sequence=0,
             starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
             created_at=starts_at, updated_at=starts_at),
    ).scalar_one()  # fmt: skip
    tokens = [secrets.token_urlsafe(32) for _ in range(count)]
    empty = dict.fromkeys(("organisation", "country", "job_title", "attendee_timezone",
                           "utm_source", "utm_medium", "utm_campaign", "referrer",
                           "privacy_notice_version"), "")  # fmt: skip
    db.session.execute(
        sa.insert(registration),
        [
            dict(empty, event_id=event_id, token=token, first_name="Old", last_name=f"N{n}",
                 email=f"old{n}@example.org", email_normalised=f"old{n}@example.org",
                 status="confirmed", marketing_consent=False, created_at=starts_at)
            for n, token in enumerate(tokens)
        ],
    )  # fmt: skip
    db.session.commit()
    return tokens


def test_the_migration_gives_each_existing_registration_its_own_join_secret(
    empty_database_url, tmp_path
):
    from flask_migrate import downgrade, upgrade
    from support.database import base_config

    from webinar import create_app
    from webinar.extensions import db
    from webinar.models import Registration

    script = join_token_migration()
    app = create_app(base_config(
        SQLALCHEMY_DATABASE_URI=empty_database_url, UPLOAD_FOLDER=str(tmp_path / "uploads"),
        MAILBOX_FOLDER=str(tmp_path / "mailbox"),
    ))  # fmt: skip
    with app.app_context():
        upgrade(revision=script.down_revision)
        tokens = insert_old_registrations(soon(), count=3)
        upgrade(revision=script.revision)
        downgrade(revision=script.down_revision)  # and back: the downgrade works too
        upgrade()
        rows = db.session.scalars(db.select(Registration).order_by(Registration.id)).all()
        joins = {row.token: row.join_token for row in rows}
        db.session.remove()
    try:
        assert list(joins) == tokens
        assert len(set(joins.values())) == 3, "one secret per registration"
        for token, join_token in joins.items():
            assert URL_SAFE.fullmatch(join_token) and join_token != token

        client = app.test_client()
        first, second, third = tokens
        assert client.get(f"/join/{joins[first]}").location == JOIN_URL
        assert client.get(f"/join/{second}").location == JOIN_URL, "old join links still join"
        assert "Old" in client.get(f"/registrations/{third}").text, "personal links still work"
        assert client.get(f"/registrations/{joins[third]}").status_code == 404
    finally:
        with app.app_context():
            db.engine.dispose()
