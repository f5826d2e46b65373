"""The attendee list of an event: content, search, filter, sort, pages, and per-row actions."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event as sa_event
from support.forms import csrf_token, register_through_form
from support.stored import emails

from webinar.extensions import db
from webinar.models import Event, Registration


def list_page(client, event, query: str = ""):
    response = client.get(f"/organiser/events/{event.id}/attendees{query}")
    assert response.status_code == 200
    return response.text


def names_on(page: str) -> list[str]:
    """Return the names in the rows of the attendee table, in order."""
    return [" ".join(re.sub(r"<[^>]+>", " ", name).split())
            for name in re.findall(r'<th scope="row">(.*?)</th>', page, re.S)]  # fmt: skip


def row_of(page: str, name: str) -> list[str]:
    """Return the cells of the row of one person, as text."""
    row = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', page, re.S)
    assert row, f"no row for {name}"
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]  # fmt: skip


def stored(app, registration_id: int) -> Registration:
    with app.app_context():
        row = db.session.get(Registration, registration_id)
        db.session.expunge(row)
        return row


def test_list_shows_details_times_in_the_event_zone_joined_and_email_states(
    app, owner_client, owned_event, person, make_outbox_email
):
    ada = person(owned_event, "Ada", "Lovelace", email="ada@example.org",
                 organisation="Analytical Engines", country="GB",
                 joined_at=datetime(2030, 1, 20, 9, 5, tzinfo=UTC))  # fmt: skip
    make_outbox_email(registration_id=ada, kind="confirmation", status="sent")
    make_outbox_email(registration_id=ada, kind="reminder_24h", status="failed")
    person(owned_event, "Grace", "Hopper")
    page = list_page(owner_client, owned_event)
    # Brussels is UTC+1 in January.
    assert row_of(page, "Ada Lovelace")[:7] == [
        "ada@example.org", "Analytical Engines", "GB", "Confirmed", "2030-01-15 09:00",
        "Yes, 2030-01-20 10:05", "Failed Confirmation: Sent Reminder 24 hours before: Failed",
    ]  # fmt: skip
    assert row_of(page, "Grace Hopper")[5:7] == ["No", "None"]
    assert "2 people" in page


def test_search_matches_name_email_and_organisation_ignoring_case(
    owner_client, owned_event, person
):
    person(owned_event, "Ada", "Lovelace", organisation="Engines Ltd")
    person(owned_event, "Grace", "Hopper", email="grace@navy.example")
    person(owned_event, "Alan", "Turing", organisation="Bletchley")
    assert names_on(list_page(owner_client, owned_event, "?q=ADA+love")) == ["Ada Lovelace"]
    assert names_on(list_page(owner_client, owned_event, "?q=NAVY")) == ["Grace Hopper"]
    assert names_on(list_page(owner_client, owned_event, "?q=bletch")) == ["Alan Turing"]
    # Wildcards, and the character that escapes them, are searched for literally.
    for wildcard in ("%25", "_", "%2F", "a_e", "ada%25"):
        page = list_page(owner_client, owned_event, f"?q={wildcard}")
        assert names_on(page) == [] and "Nobody matches" in page


def test_search_finds_either_name_alone_and_the_full_name_across_the_space(
    owner_client, owned_event, person
):
    person(owned_event, "Ada", "Lovelace", email="countess@example.org", organisation="Engines")
    person(owned_event, "Grace", "Hopper", email="ada.h@example.org", organisation="Navy")
    person(owned_event, "Mary", "Adams", email="mary@example.org", organisation="Navy")
    assert names_on(list_page(owner_client, owned_event, "?q=ADA")) == [
        "Mary Adams", "Grace Hopper", "Ada Lovelace",
    ]  # fmt: skip
    assert names_on(list_page(owner_client, owned_event, "?q=LACE")) == ["Ada Lovelace"]
    assert names_on(list_page(owner_client, owned_event, "?q=a+love")) == ["Ada Lovelace"]
    assert names_on(list_page(owner_client, owned_event, "?q=mary+adams")) == ["Mary Adams"]
    # A match never spans two fields: the last name and the address are not one text.
    page = list_page(owner_client, owned_event, "?q=lovelace+countess")
    assert names_on(page) == [] and "Nobody matches" in page


def test_filter_by_status_shows_only_that_status(owner_client, owned_event, person):
    person(owned_event, "Carla", status="confirmed")
    person(owned_event, "Wanda", status="waitlisted")
    person(owned_event, "Cedric", status="cancelled")
    page = list_page(owner_client, owned_event, "?status=waitlisted")
    assert names_on(page) == ["Wanda Tester"]
    assert names_on(list_page(owner_client, owned_event, "?status=cancelled")) == [
        "Cedric Tester"
    ]


def test_sort_by_name_or_time_in_either_direction(owner_client, owned_event, person):
    for first, last in (("Bea", "Moreau"), ("Ann", "Zeller"), ("Carl", "Adams")):
        person(owned_event, first, last)
    assert names_on(list_page(owner_client, owned_event, "?sort=name&order=asc")) == [
        "Carl Adams", "Bea Moreau", "Ann Zeller"
    ]  # fmt: skip
    assert names_on(list_page(owner_client, owned_event, "?sort=name&order=desc")) == [
        "Ann Zeller", "Bea Moreau", "Carl Adams"
    ]  # fmt: skip
    assert names_on(list_page(owner_client, owned_event, "?sort=time&order=asc")) == [
        "Bea Moreau", "Ann Zeller", "Carl Adams"
    ]  # fmt: skip
    # Newest first unless asked otherwise.
    assert names_on(list_page(owner_client, owned_event))[0] == "Carl Adams"


def test_nonsense_parameters_show_the_default_list(owner_client, owned_event, person):
    person(owned_event, "Ada")
    page = list_page(owner_client, owned_event, "?page=abc&sort=evil&order=up&status=x")
    assert names_on(page) == ["Ada Tester"]


def test_a_page_number_too_large_for_the_database_shows_the_first_page(
    owner_client, owned_event, person
):
    person(owned_event, "Ada")
    for query in ("?page=100000000000000000000", "?q=ada&page=100000000000000000000",
                  "?page=-100000000000000000000"):
        assert names_on(list_page(owner_client, owned_event, query)) == ["Ada Tester"], query


def test_fifty_a_page_and_the_links_keep_the_search(
    app, owner_client, owned_event, make_registrations
):
    make_registrations(owned_event.id, *["confirmed"] * 60)
    first = list_page(owner_client, owned_event, "?q=reg&sort=name&order=asc")
    assert len(names_on(first)) == 50
    assert "60 people found" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first).group(1)
    assert "q=reg" in next_link and "sort=name" in next_link and "page=2" in next_link
    second = owner_client.get(next_link.replace("&amp;", "&")).text
    assert len(names_on(second)) == 10
    assert not set(names_on(first)) & set(names_on(second))
    beyond = list_page(owner_client, owned_event, "?page=9")
    assert names_on(beyond) == [] and "Nobody matches" in beyond


def queries_of_list(app, client, event, query: str = "") -> int:
    """Count the SQL statements one request of the attendee list (at `query`) runs."""
    with app.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        list_page(client, event, query)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_runs_as_many_queries_for_60_people_as_for_3(
    app, owner_client, make_event, owner, make_registrations, make_outbox_email
):
    small, large = make_event(owner_id=owner), make_event(owner_id=owner)
    for event, people in ((small, 3), (large, 60)):
        ids = make_registrations(event.id, *["confirmed"] * people)
        for registration_id in ids:
            make_outbox_email(registration_id=registration_id, kind="confirmation", status="sent")
    assert queries_of_list(app, owner_client, small) == queries_of_list(
        app, owner_client, large
    )


def test_a_search_runs_as_many_queries_for_60_matches_as_for_3(
    app, owner_client, make_event, owner, make_registrations
):
    small, large = make_event(owner_id=owner), make_event(owner_id=owner)
    make_registrations(small.id, *["confirmed"] * 3)
    make_registrations(large.id, *["confirmed"] * 60)
    assert queries_of_list(app, owner_client, small, "?q=reg") == queries_of_list(
        app, owner_client, large, "?q=reg"
    )


def test_a_search_says_how_many_it_found_on_every_page_and_past_the_last(
    app, owner_client, owned_event, person, make_registrations
):
    make_registrations(owned_event.id, *["confirmed"] * 55)
    person(owned_event, "Ada")
    second = list_page(owner_client, owned_event, "?q=REG&page=2")
    assert "55 people found" in second
    assert len(names_on(second)) == 5
    beyond = list_page(owner_client, owned_event, "?q=reg&page=4")
    assert "55 people found" in beyond and "Nobody matches" in beyond
    nothing = list_page(owner_client, owned_event, "?q=nobody-has-this")
    assert "0 people found" in nothing and names_on(nothing) == []


def action(client, event, registration_id: int, name: str, query: str = "", **fields):
    """Press an action button of a row of the list, as shown on the page at `query`."""
    page = list_page(client, event, query)
    data = {"csrf_token": csrf_token(page), **fields}
    hidden = re.search(
        rf'action="/organiser/events/{event.id}/attendees/{registration_id}/{name}">(.*?)</form>',
        page, re.S,
    )  # fmt: skip
    if hidden:  # the list position the form carries
        data.update(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">',
                               hidden.group(1)))  # fmt: skip
        data["csrf_token"] = csrf_token(page)
    return client.post(
        f"/organiser/events/{event.id}/attendees/{registration_id}/{name}", data=data
    )


def test_cancel_gives_the_seat_to_the_oldest_waitlisted_and_returns_to_the_same_page(
    app, owner_client, make_event, owner, person
):
    event = make_event(owner_id=owner, capacity=1, seats_taken=1, waitlist_enabled=True)
    holder = person(event, "Holder")
    oldest = person(event, "Olive", status="waitlisted")
    newer = person(event, "Nina", status="waitlisted")
    response = action(owner_client, event, holder, "cancel", "?status=confirmed&sort=name")
    assert response.status_code == 302
    assert response.location == (
        f"/organiser/events/{event.id}/attendees?status=confirmed&sort=name"
    )
    assert stored(app, holder).status == "cancelled"
    assert stored(app, oldest).status == "confirmed"
    assert stored(app, newer).status == "waitlisted"
    assert [e.kind for e in emails(app)] == ["promoted", "cancelled"]
    assert "Holder Tester is cancelled" in owner_client.get(response.location).text


def test_promote_takes_a_free_seat(app, owner_client, make_event, owner, person):
    event = make_event(owner_id=owner, capacity=2, seats_taken=1, waitlist_enabled=True)
    person(event, "Olive", status="waitlisted")
    chosen = person(event, "Nina", status="waitlisted")
    response = action(owner_client, event, chosen, "promote")
    assert "Nina Tester now has a seat" in owner_client.get(response.location).text
    assert stored(app, chosen).status == "confirmed"
    with app.app_context():
        assert db.session.get(Event, event.id).seats_taken == 2
    assert [e.kind for e in emails(app)] == ["promoted"]


def test_promote_is_refused_with_a_clear_message_when_the_talk_is_full(
    app, owner_client, make_event, owner, person
):
    event = make_event(owner_id=owner, capacity=1, seats_taken=1, waitlist_enabled=True)
    waiting = person(event, "Wanda", status="waitlisted")
    response = action(owner_client, event, waiting, "promote")
    page = owner_client.get(response.location).text
    assert "No seat is free for Wanda Tester. Raise the capacity of the talk first" in page
    assert stored(app, waiting).status == "waitlisted"
    with app.app_context():
        assert db.session.get(Event, event.id).seats_taken == 1
    assert emails(app) == []


def test_resend_adds_a_new_confirmation_email_each_time(
    app, owner_client, owned_event, person, make_outbox_email
):
    ada = person(owned_event, "Ada", email="ada@example.org")
    make_outbox_email(registration_id=ada, kind="confirmation", status="failed")
    for _ in range(2):
        response = action(owner_client, owned_event, ada, "resend")
    assert "The confirmation goes out again to ada@example.org" in owner_client.get(
        response.location
    ).text
    resent = emails(app, "confirmation_resend")
    assert len(resent) == 2
    assert all(e.status == "pending" and e.recipient == "ada@example.org" for e in resent)
    assert "secret-room" not in resent[0].text_body  # the personal join link, not the room
    assert "/join" in resent[0].text_body and resent[0].ics


def test_resend_is_refused_for_someone_on_the_waiting_list(
    app, owner_client, owned_event, person
):
    waiting = person(owned_event, "Wanda", status="waitlisted")
    page = owner_client.get(action(owner_client, owned_event, waiting, "resend").location).text
    assert "Only a confirmed attendee has a confirmation to send again." in page
    assert emails(app) == []


def test_erase_asks_first_then_anonymises(app, owner_client, owned_event, person):
    ada = person(owned_event, "Ada", "Lovelace", email="ada@example.org",
                 organisation="Engines")  # fmt: skip
    url = f"/organiser/events/{owned_event.id}/attendees/{ada}/erase"
    confirm = owner_client.get(url + "?q=ada")
    assert "Erase Ada Lovelace’s details?" in confirm.text
    assert stored(app, ada).first_name == "Ada"
    response = owner_client.post(url, data={"csrf_token": csrf_token(confirm.text),
                                            "confirm": "yes", "q": "ada"})  # fmt: skip
    assert response.location == f"/organiser/events/{owned_event.id}/attendees?q=ada"
    erased = stored(app, ada)
    assert (erased.first_name, erased.email, erased.organisation) == ("", "", "")
    assert erased.status == "cancelled" and erased.anonymised_at is not None
    page = list_page(owner_client, owned_event)
    assert "Erased on request" in page and "ada@example.org" not in page


def test_erase_without_the_confirmation_changes_nothing(app, owner_client, owned_event, person):
    ada = person(owned_event, "Ada")
    url = f"/organiser/events/{owned_event.id}/attendees/{ada}/erase"
    token = csrf_token(list_page(owner_client, owned_event))
    response = owner_client.post(url, data={"csrf_token": token})
    assert response.status_code == 200 and "Yes, erase these details" in response.text
    assert stored(app, ada).first_name == "Ada"


@pytest.mark.parametrize("name", ["cancel", "promote", "resend", "erase"])
def test_a_registration_of_another_event_is_not_found(
    app, owner_client, owned_event, make_event, owner, person, name
):
    other = person(make_event(owner_id=owner), "Otto", status="waitlisted")
    token = csrf_token(list_page(owner_client, owned_event))
    response = owner_client.post(
        f"/organiser/events/{owned_event.id}/attendees/{other}/{name}",
        data={"csrf_token": token, "confirm": "yes"},
    )
    assert response.status_code == 404
    assert stored(app, other).status == "waitlisted"


def test_event_page_links_to_the_attendees(owner_client, owned_event):
    page = owner_client.get(f"/organiser/events/{owned_event.id}").text
    assert f'href="/organiser/events/{owned_event.id}/attendees"' in page


def test_a_visitor_who_registers_appears_in_the_list_and_the_export(
    app, client, owner_client, owned_event
):
    response = register_through_form(client, owned_event.slug, "?utm_source=newsletter",
                                      first_name="Vera", last_name="Visitor",
                                      email="vera@example.org")  # fmt: skip
    assert response.status_code == 303
    assert row_of(list_page(owner_client, owned_event), "Vera Visitor")[:4] == [
        "vera@example.org", "Analytical Engines", "BE", "Confirmed"
    ]  # fmt: skip
    export = owner_client.get(f"/organiser/events/{owned_event.id}/attendees.csv").text
    assert "Vera,Visitor,vera@example.org,Analytical Engines,BE,Confirmed" in export
    assert export.rstrip().endswith(",newsletter")
