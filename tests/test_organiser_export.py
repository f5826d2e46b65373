"""The attendee list as CSV: inert formulas, BOM, quoting, filter, streaming, small memory."""

import csv
import io
import secrets
import tracemalloc
import types
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import request_finished
from support.factories import registration_row, stored

from webinar.extensions import db
from webinar.models import Organiser
from webinar.models.types import UTCDateTime

START = datetime(2030, 1, 15, 8, 0, tzinfo=UTC)


def add(app, event, first: str, last: str = "Tester", **fields) -> None:
    fields.setdefault("email", f"p-{secrets.token_hex(4)}@example.org")
    fields.setdefault("created_at", START)
    stored(app, registration_row(event.id, first_name=first, last_name=last, **fields))


def export(client, event, query: str = "") -> list[list[str]]:
    """Download the CSV and return its rows, header first, as a spreadsheet reads them."""
    response = client.get(f"/organiser/events/{event.id}/attendees.csv{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_formulas_come_out_as_inert_text(app, owner_client, owned_event):
    for name in ('=HYPERLINK("http://x")', "+1", "@SUM(A1)", "-2+3"):
        add(app, owned_event, name, organisation="\tTabbed", country="\rX")
    rows = export(owner_client, owned_event, "?sort=name&order=asc")
    assert sorted(row[0] for row in rows[1:]) == sorted(
        ["'+1", "'-2+3", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    )
    assert {row[3] for row in rows[1:]} == {"'\tTabbed"}
    assert {row[4] for row in rows[1:]} == {"'\rX"}


def test_commas_quotes_and_newlines_survive_the_round_trip(app, owner_client, owned_event):
    organisation = 'Smith, Jones & "Sons"\nLtd'
    add(app, owned_event, "Ada", "Lovelace", organisation=organisation)
    response = owner_client.get(f"/organiser/events/{owned_event.id}/attendees.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    # RFC 4180: the field quoted, inner quotes doubled, lines ended by CRLF.
    assert '"Smith, Jones & ""Sons""\nLtd"' in response.text
    assert response.text.split("\r\n")[0].endswith("utm_source")
    rows = export(owner_client, owned_event)
    assert rows[1][:4] == ["Ada", "Lovelace", rows[1][2], organisation]


def test_columns_hold_the_table_and_the_consents(app, owner_client, owned_event):
    add(app, owned_event, "Ada", "Lovelace", email="ada@example.org", organisation="Engines",
        country="GB", joined_at=datetime(2030, 1, 20, 9, 5, tzinfo=UTC), utm_source="newsletter",
        marketing_consent=True, marketing_consent_at=START, privacy_consent_at=START,
        privacy_notice_version="2024-01")  # fmt: skip
    header, row = export(owner_client, owned_event)
    assert dict(zip(header, row, strict=True)) == {
        "First name": "Ada", "Last name": "Lovelace", "Email": "ada@example.org",
        "Organisation": "Engines", "Country": "GB", "Status": "Confirmed",
        "Registered (Europe/Brussels)": "2030-01-15 09:00", "Joined": "Yes",
        "Joined at (Europe/Brussels)": "2030-01-20 10:05", "Emails": "None",
        "Marketing consent": "Yes", "Marketing consent at (Europe/Brussels)": "2030-01-15 09:00",
        "Unsubscribed at (Europe/Brussels)": "",
        "Privacy consent at (Europe/Brussels)": "2030-01-15 09:00",
        "Privacy notice version": "2024-01", "utm_source": "newsletter",
    }  # fmt: skip


def test_the_titles_and_words_are_in_the_organiser_language(app, owner, owner_client, owned_event):
    with app.app_context():
        db.session.get(Organiser, owner).language = "de"  # chosen on the account page
        db.session.commit()
    add(app, owned_event, "=Ada")
    header, row = export(owner_client, owned_event)
    assert header == [
        "Vorname", "Nachname", "E-Mail", "Organisation", "Land", "Status",
        "Angemeldet (Europe/Brussels)", "Teilgenommen", "Teilgenommen um (Europe/Brussels)",
        "E-Mails", "Einwilligung in Neuigkeiten",
        "Einwilligung in Neuigkeiten am (Europe/Brussels)",
        "Abgemeldet am (Europe/Brussels)", "Datenschutz-Einwilligung am (Europe/Brussels)",
        "Version des Datenschutzhinweises", "utm_source",
    ]  # fmt: skip
    assert row[0] == "'=Ada"
    # The cells that are words too: status, joined, emails, consent.
    assert [row[5], row[7], row[9], row[10]] == ["Bestätigt", "Nein", "Keine", "Nein"]


def test_the_list_filter_and_search_apply(app, owner_client, owned_event):
    add(app, owned_event, "Carla", status="confirmed", organisation="Acme")
    add(app, owned_event, "Wanda", status="waitlisted", organisation="Acme")
    add(app, owned_event, "Walter", status="waitlisted", organisation="Other")
    rows = export(owner_client, owned_event, "?status=waitlisted&q=acme")
    assert [row[0] for row in rows[1:]] == ["Wanda"]


def test_file_name_has_the_slug_and_the_date(owner_client, owned_event):
    response = owner_client.get(f"/organiser/events/{owned_event.id}/attendees.csv")
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{owned_event.slug}-attendees-{today}.csv"'
    )


def test_the_response_is_streamed_from_a_generator(app, owner_client, owned_event):
    add(app, owned_event, "Ada")
    sent = []

    def record(sender, response, **extra):
        sent.append(response)

    with request_finished.connected_to(record, app):
        response = owner_client.get(f"/organiser/events/{owned_event.id}/attendees.csv")
    assert response.is_streamed and sent[0].is_streamed
    assert isinstance(sent[0].response, types.GeneratorType)
    assert response.data.decode().count("\r\n") == 2


PEOPLE = 100_000


def insert_many(app, event_id: int) -> None:
    """Insert PEOPLE registrations in one INSERT ... SELECT over a counting CTE."""
    statement = sa.text(
        "INSERT INTO registration (event_id, token, join_token, first_name, last_name, email, "
        "email_normalised, organisation, country, job_title, status, created_at, updated_at, "
        "attendee_timezone, utm_source, utm_medium, utm_campaign, referrer, "
        "privacy_notice_version, marketing_consent, unsubscribe_token) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :people) "
        "SELECT :event_id, 'token-' || i, 'join-' || i, 'Person', 'Number ' || i, "
        "'person' || i || '@example.org', 'person' || i || '@example.org', "
        "'Cluster, \"Quoted\" Ltd', 'BE', '', 'confirmed', :created, :created, '', "
        "'newsletter', '', '', '', 'v1', :consent, 'unsubscribe-' || i FROM n"
    ).bindparams(
        sa.bindparam("created", START, type_=UTCDateTime()),
        sa.bindparam("consent", False, type_=sa.Boolean()),
        people=PEOPLE,
        event_id=event_id,
    )
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()


@pytest.mark.slow
def test_an_export_of_100000_people_streams_in_little_memory(app, owner_client, owned_event):
    insert_many(app, owned_event.id)
    response = owner_client.get(f"/organiser/events/{owned_event.id}/attendees.csv")
    assert response.is_streamed
    lines = 0
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        for chunk in response.response:
            lines += chunk.count(b"\r\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        response.close()
    assert lines == PEOPLE + 1
    assert peak - baseline < 50 * 1024 * 1024
