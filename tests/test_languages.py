"""Which language a visitor reads: the switch, the browser's language, the page's URLs."""

import re

import pytest

from webinar.languages import safe_next

SWITCH = re.compile(
    r'<a href="(/language/(\w+)\?next=[^"]*)" hreflang="\2" lang="\2"( aria-current="true")?>'
)


def html_lang(page) -> str:
    return re.search(r'<html lang="(\w+)">', page.text).group(1)


def test_a_visitor_without_preferences_reads_the_default_language(client):
    page = client.get("/")
    assert html_lang(page) == "en"
    assert 'aria-label="Language"' in page.text


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("de-AT", "de"), ("es,de;q=0.3", "de"), ("es, it", "en")],
)
def test_the_browser_language_decides_among_the_offered_ones(client, accept, expected):
    page = client.get("/", headers={"Accept-Language": accept})
    assert html_lang(page) == expected
    assert "Accept-Language" in page.headers["Vary"]


def test_the_switch_is_remembered_and_wins_over_the_browser(client):
    page = client.get("/events/past", headers={"Accept-Language": "de"})
    links = {code: (href, bool(current)) for href, code, current in SWITCH.findall(page.text)}
    assert set(links) == {"en", "fr", "de"}
    assert links["de"][1] and not links["fr"][1]  # the page's own language is marked

    chosen = client.get(links["fr"][0].replace("&amp;", "&"), headers={"Accept-Language": "de"})
    assert chosen.status_code == 303
    assert chosen.headers["Location"] == "/events/past"
    cookie = client.get_cookie("lang")
    assert cookie.value == "fr" and cookie.http_only

    later = client.get("/", headers={"Accept-Language": "de"})
    assert html_lang(later) == "fr"
    assert 'aria-label="Langue"' in later.text


def test_an_unknown_language_is_not_found_and_sets_nothing(client):
    assert client.get("/language/xx?next=/").status_code == 404
    assert client.get_cookie("lang") is None


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "", None,
     "/\n/evil.example"],
)
def test_the_switch_only_goes_back_to_a_page_of_this_site(target):
    assert safe_next(target) == "/"


def test_the_switch_keeps_the_page_and_its_query(client):
    page = client.get("/?page=1&topic=Deep+tech&lang=de")
    (href,) = [href for href, code, _ in SWITCH.findall(page.text) if code == "fr"]
    chosen = client.get(href.replace("&amp;", "&"))
    assert chosen.headers["Location"] == "/?page=1&topic=Deep+tech"


ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">')
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')


def test_a_talk_in_one_language_links_only_that_language(client, make_event):
    event = make_event(language="de")
    base = f"http://webinar.test/events/{event.slug}"
    for reader in ("de", "fr", "en"):
        page = client.get(f"/events/{event.slug}?lang={reader}").text
        # The interface may be in another language; the talk's page is the German one.
        assert ALTERNATE.findall(page) == [("de", f"{base}?lang=de"), ("x-default", base)]
        assert CANONICAL.findall(page) == [f"{base}?lang=de"]


def test_a_talk_in_three_languages_links_each_and_is_canonical_in_each(client, make_event):
    event = make_event(other_languages=["fr", "de"])
    base = f"http://webinar.test/events/{event.slug}"
    urls = {"en": base, "fr": f"{base}?lang=fr", "de": f"{base}?lang=de"}
    for url in urls.values():
        page = client.get(url).text
        assert ALTERNATE.findall(page) == [*urls.items(), ("x-default", base)]
        assert CANONICAL.findall(page) == [url]


def test_each_language_of_a_public_page_has_its_own_url(client, make_event):
    event = make_event(other_languages=["fr", "de"])
    base = f"http://webinar.test/events/{event.slug}"
    english = client.get(f"/events/{event.slug}").text
    assert f'<link rel="canonical" href="{base}">' in english
    for code, url in (("en", base), ("fr", f"{base}?lang=fr"), ("de", f"{base}?lang=de"),
                      ("x-default", base)):  # fmt: skip
        assert f'<link rel="alternate" hreflang="{code}" href="{url}">' in english

    french = client.get(f"/events/{event.slug}?lang=fr")
    assert html_lang(french) == "fr"
    assert f'<link rel="canonical" href="{base}?lang=fr">' in french.text


def test_the_page_cache_and_etag_are_per_language(client, make_event):
    # Accept-Language counts among the talk's languages: this one is offered in French.
    event = make_event(other_languages=["fr"])
    english = client.get(f"/events/{event.slug}")
    french = client.get(f"/events/{event.slug}", headers={"Accept-Language": "fr"})
    assert html_lang(french) == "fr" and html_lang(english) == "en"
    assert english.headers["ETag"] != french.headers["ETag"]

    # An English ETag does not make a French reader's request a 304, and the
    # cached English page is not what they get.
    again = client.get(f"/events/{event.slug}", headers={
        "Accept-Language": "fr", "If-None-Match": english.headers["ETag"]})  # fmt: skip
    assert again.status_code == 200 and html_lang(again) == "fr"
    # Each language's own copy is still cached and revalidated.
    same = client.get(f"/events/{event.slug}", headers={
        "Accept-Language": "fr", "If-None-Match": french.headers["ETag"]})  # fmt: skip
    assert same.status_code == 304
    assert "Cookie" in english.headers["Vary"]


def test_an_email_is_rendered_whole_in_the_language_asked_for(app, make_event, make_registration):
    from webinar.extensions import db
    from webinar.mail.render import render_email
    from webinar.models import Registration

    event = make_event(title="Clean hydrogen for clusters")
    registration_id = make_registration(event, first_name="Ada").id
    # A French visitor's request; the email goes out in German all the same.
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        registration = db.session.get(Registration, registration_id)
        email = render_email("reminder_24h", registration, language="de")
        french = render_email("reminder_24h", registration)
    assert email.subject == "Morgen: Clean hydrogen for clusters"
    assert email.text_body.startswith("Guten Tag Ada,")
    assert "Zur Erinnerung" in email.text_body and "Bonjour" not in email.text_body
    assert '<html lang="de">' in email.html_body and "Wann:" in email.html_body
    assert "Am Vortrag teilnehmen:" in email.ics.replace("\r\n ", "")
    # Without a language, the request's.
    assert french.subject == "Demain : Clean hydrogen for clusters"
    assert "Petit rappel" in french.text_body


def test_the_worker_renders_in_the_default_language(app, make_event, make_registration):
    from webinar.extensions import db
    from webinar.mail.render import render_email
    from webinar.models import Registration

    event = make_event(title="Clean hydrogen for clusters")
    registration_id = make_registration(event).id
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        assert render_email("cancelled", registration).subject.startswith("Registration cancelled")
        german = render_email("cancelled", registration, language="de")
    assert german.subject == "Anmeldung storniert: Clean hydrogen for clusters"


def test_the_countries_of_the_form_are_named_in_the_reader_language(client, make_event):
    event = make_event(other_languages=["fr", "de"])
    french = client.get(f"/events/{event.slug}/register", headers={"Accept-Language": "fr"}).text
    assert '<option value="BE">Belgique</option>' in french
    # In the order of the language's alphabet: "Émirats arabes unis" among the E.
    order = [french.index(f">{name}<") for name in ("Égypte", "Émirats arabes unis", "Équateur")]
    assert order == sorted(order)
    german = client.get(f"/events/{event.slug}/register", headers={"Accept-Language": "de"}).text
    assert '<option value="DE">Deutschland</option>' in german
    english = client.get(f"/events/{event.slug}/register").text
    assert '<option value="BE">Belgium</option>' in english


def test_a_french_reader_sees_a_series_page_in_french(client, a_series):
    page = client.get(f"/series/{a_series.slug}", headers={"Accept-Language": "fr"})
    assert html_lang(page) == "fr"
    assert "<h2 id=\"upcoming-heading\">Conférences à venir</h2>" in page.text
    assert "Calendrier de la série (.ics)" in page.text
    assert "Suivre cette série" in page.text
    assert "Upcoming talks" not in page.text and "Follow this series" not in page.text


def test_a_french_visitor_is_asked_to_confirm_following_in_french(
    smtp_server, app, client, inbox, a_series
):
    from support.followers import follow_through_form
    from support.mail import html_of, text_of
    from support.stored import stored_one

    from webinar.models import Follower

    client.set_cookie("lang", "fr")
    sent = follow_through_form(client, a_series.slug)
    assert "Consultez vos e-mails" in client.get(sent.location).text
    assert stored_one(app, Follower).language == "fr"

    (message,) = inbox.deliver()
    assert message["Subject"] == "Confirmez que vous souhaitez suivre Cluster Voices"
    text, html = text_of(message), html_of(message)
    assert text.startswith("Bonjour Ada Lovelace,")
    assert "Le lien est valable 7 jours." in text
    assert '<html lang="fr">' in html and "Confirmer que vous suivez Cluster Voices" in html
    assert "Hello" not in text and "follow" not in text.replace("/follow/", "")
