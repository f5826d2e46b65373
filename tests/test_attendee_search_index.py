"""The attendee search's index follows every change of a registration; pages read from either end.

On SQLite the search first asks a trigram full-text index (kept by triggers)
who may match: these tests change, erase and purge people and check the list
finds exactly who it should, and that the index keeps no trace of the erased.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from support.forms import csrf_token
from support.organisers import OWNER_EMAIL
from test_organiser_attendees import list_page, names_on

from webinar.extensions import db
from webinar.models import Event, Registration
from webinar.organiser.queries import search


def found(client, event, text: str) -> list[str]:
    return names_on(list_page(client, event, f"?q={text}"))


def index_holds(app, text: str) -> bool:
    """Say whether SQLite's search index still holds text anywhere (False elsewhere)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return False
        phrase = '"' + text.replace('"', '""') + '"'
        return bool(db.session.scalar(sa.text(
            "SELECT count(*) FROM registration_search WHERE registration_search MATCH :p"
        ), {"p": phrase}))  # fmt: skip


@pytest.fixture
def ada(owned_event, person):
    return person(owned_event, "Ada", "Lovelace", email="ada@engines.example",
                  organisation="Analytical Engines")  # fmt: skip


def test_a_search_finds_a_person_by_the_name_they_have_now(
    app, owner_client, owned_event, person, ada
):
    person(owned_event, "Grace", "Hopper")
    with app.app_context():
        db.session.execute(sa.update(Registration).where(Registration.id == ada)
                           .values(last_name="King", organisation="Babbage & Co"))  # fmt: skip
        db.session.commit()
    assert found(owner_client, owned_event, "king") == ["Ada King"]
    assert found(owner_client, owned_event, "ada+ki") == ["Ada King"]
    assert found(owner_client, owned_event, "babbage+%26") == ["Ada King"]
    assert found(owner_client, owned_event, "lovelace") == []
    assert found(owner_client, owned_event, "analytical") == []
    assert not index_holds(app, "lovelace")


def test_an_erased_person_is_found_by_nothing_they_gave(app, owner_client, owned_event, ada):
    url = f"/organiser/events/{owned_event.id}/attendees/{ada}/erase"
    confirm = owner_client.get(url)
    owner_client.post(url, data={"csrf_token": csrf_token(confirm.text), "confirm": "yes"})
    for text in ("ada", "lovelace", "engines", "analytical"):
        assert found(owner_client, owned_event, text) == [], text
        assert not index_holds(app, text), text


def test_a_person_who_deletes_their_data_is_no_longer_found(
    app, client, owner_client, owned_event, ada
):
    with app.app_context():
        token = db.session.get(Registration, ada).token
    confirm = client.get(f"/registrations/{token}/delete")
    client.post(f"/registrations/{token}/delete", data={"csrf_token": csrf_token(confirm.text)})
    assert found(owner_client, owned_event, "lovelace") == []
    assert not index_holds(app, "lovelace")


def test_the_retention_purge_leaves_nobody_to_find(
    app, owner_client, signed_in, owned_event, person, ada
):
    person(owned_event, "Adam", "Smith")
    assert found(owner_client, owned_event, "ada") == ["Adam Smith", "Ada Lovelace"]
    with app.app_context():
        from webinar.privacy import purge

        ends_at = db.session.get(Event, owned_event.id).ends_at
        assert purge(now=ends_at + timedelta(days=400)).registrations == 2
    # The purge also ended the organiser's idle session.
    owner_client = signed_in(OWNER_EMAIL)
    assert found(owner_client, owned_event, "ada") == []
    assert found(owner_client, owned_event, "smith") == []
    assert not index_holds(app, "lovelace")


def test_a_deleted_talk_leaves_no_registration_in_the_index(app, owned_event, ada):
    with app.app_context():
        db.session.execute(sa.delete(Event).where(Event.id == owned_event.id))
        db.session.commit()
    assert not index_holds(app, "lovelace")


def test_letters_beyond_ascii_short_texts_and_quotes_are_searched_as_before(
    owner_client, owned_event, person
):
    person(owned_event, "Zoë", "Ng", organisation='The "Quoted" Ltd')
    person(owned_event, "Zoe", "Brown")
    assert found(owner_client, owned_event, "ZOË") == ["Zoë Ng"]
    assert found(owner_client, owned_event, "Zo") == ["Zoe Brown", "Zoë Ng"]
    assert found(owner_client, owned_event, "ng") == ["Zoë Ng"]
    assert found(owner_client, owned_event, "%22quoted%22") == ["Zoë Ng"]
    assert found(owner_client, owned_event, "%22quoted%22+x") == []


def test_a_search_that_finds_many_reads_the_talk_in_order_with_the_same_people(
    owner_client, owned_event, person, monkeypatch
):
    for first in ("Ada", "Adam", "Bob", "Adele"):
        person(owned_event, first, "Tester")
    few = found(owner_client, owned_event, "ade")
    monkeypatch.setattr(search, "MOST_FOUND", 1)
    assert found(owner_client, owned_event, "ade") == few == ["Adele Tester"]
    assert found(owner_client, owned_event, "ada") == ["Adam Tester", "Ada Tester"]


def test_the_migration_indexes_the_people_already_registered(
    app, owner_client, owned_event, person, ada
):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="0023")
        db.session.remove()
    person(owned_event, "Grace", "Hopper", organisation="Navy")
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    assert found(owner_client, owned_event, "lovelace") == ["Ada Lovelace"]
    assert found(owner_client, owned_event, "navy") == ["Grace Hopper"]
    assert found(owner_client, owned_event, "ce+ho") == ["Grace Hopper"]


@pytest.mark.parametrize("sort", ["name", "time"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_pages_past_the_middle_list_the_same_people_in_the_same_order(
    app, owner_client, owned_event, make_registrations, sort, order
):
    ids = make_registrations(owned_event.id, *["confirmed"] * 130)
    with app.app_context():
        people = [db.session.get(Registration, id_) for id_ in ids]
        key = ((lambda r: (r.last_name, r.first_name, r.id)) if sort == "name"
               else (lambda r: (r.created_at, r.id)))  # fmt: skip
        expected = [r.full_name for r in sorted(people, key=key, reverse=order == "desc")]
    pages = [names_on(list_page(owner_client, owned_event, f"?sort={sort}&order={order}"
                                                           f"&page={n}"))
             for n in (1, 2, 3)]  # fmt: skip
    assert [len(page) for page in pages] == [50, 50, 30]
    assert pages[0] + pages[1] + pages[2] == expected
    beyond = list_page(owner_client, owned_event, f"?sort={sort}&order={order}&page=4")
    assert names_on(beyond) == [] and "Nobody matches" in beyond


def test_a_text_the_index_cannot_read_is_left_to_like(app, owned_event, ada):
    """A NUL would end FTS5's quoted text with an error (the site refuses it in links anyway)."""
    with app.app_context():
        assert search.indexed_matches("ove\x00lace") is None
        assert search.indexed_matches("ov") is None
        found_ids = db.session.scalars(db.select(Registration.id).where(
            search.indexed_matches("ovel") if db.engine.dialect.name == "sqlite" else sa.true()
        )).all()  # fmt: skip
        assert found_ids == [ada]
