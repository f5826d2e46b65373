"""Privacy details: draft topics stay private, erasure is complete, old emails do not linger."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from support.clock import TALK_END, TALK_START
from support.eventdata import add_topics
from support.forms import csrf_token, register_through_form
from support.organisers import token_of
from support.site_walk import get_rules, populate
from support.stored import emails, registration, registrations
from test_organiser_editor import form_data

CAMPAIGN = "?utm_source=newsletter&utm_medium=email&utm_campaign=spring&ref=partner.example"
CAMPAIGN_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "referrer")


def public_pages(app, client, site) -> dict[str, str]:
    """Return the text of every public GET route of the site, by path."""
    pages = {}
    for rule in get_rules(app, public=True):
        path = site.url(rule)
        response = client.get(path)
        pages[path] = response.get_data(as_text=True)
        response.close()  # a download holds its file open until then
    return pages


# Topics typed on a draft


def test_a_topic_typed_on_a_draft_appears_nowhere_public_until_the_talk_is_published(
    app, client, owner_client, owner, make_event
):
    site = populate(app, make_event, owner, title="A public talk")
    add_topics(app, site.values["event_id"], "Clusters")
    draft = owner_client.post(
        "/organiser/events/new",
        data=form_data(owner_client, title="Secret plans", new_topics="Merger with Acme"),
    )
    assert draft.status_code == 302
    draft_url = draft.location

    pages = public_pages(app, client, site)
    assert len(pages) >= 8
    assert [path for path, text in pages.items() if "Merger with Acme" in text] == []
    assert [path for path, text in pages.items() if "merger-with-acme" in text] == []
    home = pages["/"]
    assert home.count('<option value="clusters"') == 1

    published = owner_client.post(
        f"{draft_url}/publish", data={"csrf_token": token_of(owner_client, draft_url)}
    )
    assert published.status_code == 302
    home = client.get("/").text
    assert home.count('<option value="merger-with-acme">Merger with Acme</option>') == 1
    assert home.count('<option value="clusters"') == 1


# Erasure blanks where people came from, and ends the join link


def assert_erased(row, old_join_token: str) -> None:
    assert row.anonymised_at is not None
    assert [getattr(row, field) for field in CAMPAIGN_FIELDS] == ["", "", "", ""]
    assert row.join_token != old_join_token and len(row.join_token) >= 43


def test_delete_my_data_blanks_the_campaign_and_ends_the_join_link(app, client, make_event):
    event = make_event(starts_at=TALK_START + timedelta(days=3650))
    register_through_form(client, event.slug, query=CAMPAIGN, email="ada@example.org")
    register_through_form(client, event.slug, query=CAMPAIGN, email="bob@example.org")
    ada, bob = registrations(app, event)
    assert (ada.utm_source, ada.utm_medium, ada.utm_campaign) == ("newsletter", "email", "spring")
    assert ada.referrer == "partner.example"

    confirm = client.get(f"/registrations/{ada.token}/delete")
    client.post(f"/registrations/{ada.token}/delete", data={"csrf_token": csrf_token(confirm.data)})

    assert_erased(registration(app, ada.token), ada.join_token)
    assert client.get(f"/join/{ada.join_token}").status_code == 404
    kept = [row for row in registrations(app, event) if row.utm_source == "newsletter"]
    assert [row.token for row in kept] == [bob.token], "the others keep theirs"


def test_the_organisers_erase_blanks_the_campaign_and_ends_the_join_link(
    app, client, owner_client, owned_event
):
    register_through_form(client, owned_event.slug, query=CAMPAIGN, email="ada@example.org")
    [ada] = registrations(app, owned_event)
    url = f"/organiser/events/{owned_event.id}/attendees/{ada.id}/erase"
    confirm = owner_client.get(url)
    owner_client.post(url, data={"csrf_token": csrf_token(confirm.text), "confirm": "yes"})

    assert_erased(registration(app, ada.token), ada.join_token)
    assert client.get(f"/join/{ada.join_token}").status_code == 404


def test_the_retention_purge_blanks_the_campaign_and_ends_the_join_links(
    app, client, runner, clock, talk
):
    old = talk()
    later = timedelta(days=400)
    coming = talk(starts_at=TALK_START + later, ends_at=TALK_END + later)
    for event, email in ((old, "ada@example.org"), (old, "bob@example.org"),
                         (coming, "cy@example.org")):  # fmt: skip
        register_through_form(client, event.slug, query=CAMPAIGN, email=email)
    before = {row.token: row for row in registrations(app)}
    clock.set(TALK_END + timedelta(days=181))

    result = runner.invoke(args=["privacy", "purge"])
    assert "Anonymised 2 registrations" in result.output

    after = registrations(app)
    assert sum(row.anonymised_at is not None for row in after) == 2
    for row in after[:2]:
        assert_erased(row, before[row.token].join_token)
        assert client.get(f"/join/{before[row.token].join_token}").status_code == 404
    assert len({row.join_token for row in after}) == 3, "a fresh secret for each"
    assert after[2].utm_source == "newsletter" and after[2].anonymised_at is None


# Old emails: failed ones, and the development mailbox


def test_the_purge_empties_failed_emails_like_sent_ones(
    smtp_server, app, client, clock, talk, deliver
):
    smtp_server.answer("refuse", recipient="nobody@example.org")
    smtp_server.answer("refuse", recipient="later@example.org")
    event = talk(starts_at=TALK_START + timedelta(days=60), ends_at=TALK_END + timedelta(days=60))
    register_through_form(client, event.slug, email="nobody@example.org")
    register_through_form(client, event.slug, email="ada@example.org")
    deliver()
    clock.advance(days=20)
    register_through_form(client, event.slug, email="later@example.org")
    deliver()
    clock.advance(days=11)  # the first two are 31 days old, the last one 11
    assert [(e.recipient, e.status) for e in emails(app)] == [
        ("nobody@example.org", "failed"), ("ada@example.org", "sent"),
        ("later@example.org", "failed"),
    ]  # fmt: skip

    with app.app_context():
        from webinar.mail.delivery import retry_failed
        from webinar.privacy import purge

        assert purge().email_bodies == 2
        nobody, ada, later = emails(app)
        assert (nobody.text_body, nobody.html_body, nobody.ics) == ("", "", None)
        assert (ada.text_body, ada.html_body, ada.ics) == ("", "", None)
        assert "Dear Ada" in later.text_body
        assert purge().email_bodies == 0
        # An emptied email is not sent again blank; the young one is.
        assert retry_failed() == 1
    assert [e.status for e in emails(app)] == ["failed", "sent", "pending"]


def test_the_purge_empties_held_emails_like_failed_ones(app, client, clock, talk, deliver):
    app.config.update(MAILBOX_EMAILS_PER_HOUR=1)
    event = talk(starts_at=TALK_START + timedelta(days=60), ends_at=TALK_END + timedelta(days=60))
    register_through_form(client, event.slug, email="someone@example.org")
    register_through_form(client, event.slug, email="someone+again@example.org")
    deliver()
    assert [e.status for e in emails(app)] == ["sent", "held"]

    clock.advance(days=31)
    with app.app_context():
        from webinar.privacy import purge

        assert purge().email_bodies == 2
    held = emails(app)[1]
    assert (held.status, held.text_body, held.html_body, held.ics) == ("held", "", "", None)


def age(path: Path, now, days: float) -> None:
    """Date a file `days` before `now`."""
    moment = (now - timedelta(days=days)).timestamp()
    os.utime(path, (moment, moment))


@pytest.fixture
def mailbox(app) -> Path:
    return Path(app.config["MAILBOX_FOLDER"])


def test_the_purge_deletes_mailbox_files_older_than_the_email_retention(
    app, client, runner, clock, talk, mailbox, deliver
):
    event = talk()
    for email in ("ada@example.org", "bob@example.org", "cy@example.org"):
        register_through_form(client, event.slug, email=email)
    deliver()
    files = sorted(mailbox.glob("*.eml"))
    assert len(files) == 3
    notes = mailbox / "notes.txt"
    notes.write_text("not an email")
    for path, days in zip([*files, notes], (31, 40, 29, 400), strict=True):
        age(path, clock(), days)

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "and 2 old files of the mailbox folder." in result.output
    assert sorted(mailbox.iterdir()) == sorted([files[2], notes])


def test_the_outbox_loop_purges_the_mailbox_too(app, client, clock, talk, mailbox, deliver):
    app.config["EMAIL_BODY_RETENTION_DAYS"] = 10
    event = talk()
    register_through_form(client, event.slug, email="ada@example.org")
    deliver()  # the day's purge ran before the email was written
    [written] = mailbox.glob("*.eml")
    age(written, clock(), 11)
    deliver()
    assert written.exists(), "the purge runs once a day"
    clock.advance(hours=24)
    deliver()
    assert not written.exists()


def test_the_purge_without_a_mailbox_folder_deletes_nothing(app, runner, tmp_path):
    app.config["MAILBOX_FOLDER"] = str(tmp_path / "never-made")
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "and 0 old files of the mailbox folder." in result.output
