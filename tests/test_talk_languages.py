"""Talks in several languages: pages, registrations and their emails in the reader's language."""

from datetime import timedelta

from support.clock import TALK_START
from support.eventdata import REFERENCE_FIELDS
from support.forms import register_through_form
from support.mail import calendar_of, html_of
from support.mail import text_of as mail_text

from webinar.demo.languages import EVENT_FIELDS, TALK_LANGUAGES
from webinar.extensions import db
from webinar.models import Registration

REFERENCE_FR = TALK_LANGUAGES[REFERENCE_FIELDS["slug"]]["fr"]
FRENCH_TITLE = REFERENCE_FR["title"]
ENGLISH_TITLE = REFERENCE_FIELDS["title"]


def reference_talk_in_french(talk):
    """Make the reference talk, upcoming, offered in French with the demo's French texts."""
    fields = dict(REFERENCE_FIELDS, banner=None)
    del fields["starts_at"], fields["ends_at"]
    french = {field: REFERENCE_FR[field] for field in EVENT_FIELDS}
    return talk(**fields, other_languages=["fr"], translations={"fr": french})


def visitor(app, language: str):
    """Return a test client whose browser asks for pages in a language."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def test_a_french_visitor_reads_the_talk_and_gets_every_email_in_french(
    smtp_server, app, talk, clock, deliver
):
    event = reference_talk_in_french(talk)
    french, english = visitor(app, "fr-BE,fr;q=0.9,en;q=0.5"), visitor(app, "en-GB,en")

    page = french.get(f"/events/{event.slug}").text
    assert '<html lang="fr">' in page
    assert "STEP : la plateforme Technologies stratégiques pour l&#39;Europe" in page
    assert "17 mars 2027, 10:00 – 11:00 CET" in page
    assert "veut garder la maîtrise des technologies" in page
    register_through_form(french, event.slug, email="amelie@example.fr")
    register_through_form(english, event.slug, email="ann@example.org")
    with app.app_context():
        query = db.select(Registration.email, Registration.language)
        languages = dict(db.session.execute(query).tuples().all())
    assert languages == {"amelie@example.fr": "fr", "ann@example.org": "en"}

    assert deliver() == 2
    clock.set(TALK_START - timedelta(hours=24))
    deliver()
    sent = {(m["To"], m["X-Webinar-Kind"]): m for m in smtp_server.messages}
    assert set(sent) == {
        ("amelie@example.fr", "confirmation"), ("amelie@example.fr", "reminder_24h"),
        ("ann@example.org", "confirmation"), ("ann@example.org", "reminder_24h"),
    }  # fmt: skip
    subjects = {"confirmation": ("Votre place pour", "Your place at"),
                "reminder_24h": ("Demain :", "Tomorrow:")}  # fmt: skip
    for kind, (french_subject, english_subject) in subjects.items():
        message = sent["amelie@example.fr", kind]
        assert message["Subject"] == f"{french_subject} {FRENCH_TITLE}"
        for body in (mail_text(message), html_of(message)):
            assert "17 mars 2027, 10:00 – 11:00 CET" in body
            assert ENGLISH_TITLE not in body and "March" not in body
        vevent = calendar_of(message).walk("VEVENT")[0]
        assert str(vevent["SUMMARY"]) == FRENCH_TITLE
        assert vevent["SUMMARY"].params["LANGUAGE"] == "fr"
        assert str(vevent["DESCRIPTION"]).startswith(REFERENCE_FR["summary"])
        assert "Rejoindre la conférence : http" in str(vevent["DESCRIPTION"])

        message = sent["ann@example.org", kind]
        assert message["Subject"] == f"{english_subject} {ENGLISH_TITLE}"
        assert "17 March 2027, 10:00 – 11:00 CET" in mail_text(message)
        assert FRENCH_TITLE not in mail_text(message) and "mars" not in mail_text(message)
        assert str(calendar_of(message).walk("VEVENT")[0]["SUMMARY"]) == ENGLISH_TITLE


def test_a_german_page_shows_the_german_title_and_the_english_description_marked_english(
    client, make_event
):
    event = make_event(
        title="Hydrogen valleys",
        description="Where hydrogen is **made and used** in one region.",
        other_languages=["de"],
        translations={"de": {"title": "Wasserstofftäler"}},
    )
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "de"}).text
    assert '<html lang="de">' in page
    assert '<h1 id="event-title">Wasserstofftäler</h1>' in page
    assert '<section class="event-description" aria-label="Beschreibung" lang="en">' in page
    assert "<strong>made and used</strong>" in page
    # The English page has no marks: everything is in its own language.
    english = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).text
    assert '<h1 id="event-title">Hydrogen valleys</h1>' in english
    assert 'lang="en">' not in english.split("<article", 1)[1]


def test_a_language_the_talk_does_not_offer_is_not_chosen_by_the_browser(client, make_event):
    event = make_event(translations={"fr": {"title": "Un titre oublié"}})
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "fr"}).text
    assert '<html lang="en">' in page
    assert "Un titre oublié" not in page


def test_the_list_shows_each_talk_in_the_visitors_language_where_it_has_it(client, make_event):
    make_event(title="Hydrogen valleys", other_languages=["fr"],
               translations={"fr": {"title": "Vallées de l'hydrogène"}})  # fmt: skip
    make_event(title="Biotech clusters")
    page = client.get("/", headers={"Accept-Language": "fr"}).text
    assert "Vallées de l&#39;hydrogène</a>" in page
    # Not translated: shown in its own language, and marked so.
    assert '<h2 class="event-card-title" lang="en">' in page
    assert "Biotech clusters</a>" in page


def test_each_language_of_a_talk_page_is_cached_on_its_own(client, make_event):
    event = make_event(title="Hydrogen valleys", other_languages=["fr"],
                       translations={"fr": {"title": "Vallées de l'hydrogène"}})  # fmt: skip
    for _ in range(2):
        french = client.get(f"/events/{event.slug}", headers={"Accept-Language": "fr"}).text
        english = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).text
        assert "Vallées de l&#39;hydrogène" in french and "Vallées" not in english


def test_the_form_asks_in_the_visitors_language_and_marks_an_untranslated_question(
    client, make_event, make_question
):
    event = make_event(other_languages=["de"])
    make_question(event, "short_text", "Your role in the cluster?",
                  translations={"de": {"label": "Ihre Rolle im Cluster?"}})  # fmt: skip
    make_question(event, "single_choice", "Which area?", options=("Clean", "Digital"))
    form = client.get(f"/events/{event.slug}/register", headers={"Accept-Language": "de"}).text
    assert "Ihre Rolle im Cluster?" in form and "Your role in the cluster?" not in form
    assert '<legend><span lang="en">Which area?</span>' in form
    assert 'lang="en">Clean</label>' in form
