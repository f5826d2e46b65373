"""Every cached public page, in every language, answers 304 while unchanged and is never stale.

The pages: the home page, the past talks, a series' page, a talk to come
and a past talk. Each is cached under a key read by one query, so the tests
also count queries: one for a cached page, and a fixed number on a miss.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import text
from support.clock import TALK_END, TALK_START
from support.eventdata import add_speakers, add_topics, queries_to_show

from webinar.extensions import db
from webinar.models import Event, Series

LANGUAGES = ("en", "fr", "de")
SERIES = "/series/eu-clusters-talk"
PAGES = ("/", "/events/past", SERIES, "/events/coming", "/events/done")


def in_language(path: str, language: str) -> str:
    """Return the page's URL in a language (English has no `lang`)."""
    return path if language == "en" else f"{path}{'&' if '?' in path else '?'}lang={language}"


@pytest.fixture
def site(app, talk, make_series):
    """A series with a talk to come and a past talk, both offered in three languages."""
    make_series(name="EU Clusters Talk", slug="eu-clusters-talk")
    with app.app_context():
        series_id = db.session.scalar(db.select(Series.id))
    offered = {"series_id": series_id, "series_label": "", "other_languages": ["fr", "de"]}
    coming = talk(slug="coming", title="Hydrogen valleys", capacity=5, **offered,
                  translations={"fr": {"title": "Vallées de l'hydrogène"},
                                "de": {"title": "Wasserstofftäler"}})  # fmt: skip
    talk(slug="done", title="Robots in clusters", starts_at=TALK_START - timedelta(days=30),
         ends_at=TALK_END - timedelta(days=30), **offered)  # fmt: skip
    return coming


def change(app, clock, **values) -> None:
    """Change the talk to come as an organiser would, a second later."""
    # The test's clock stands still; a real one moves between two edits.
    clock.advance(seconds=1)
    with app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.slug == "coming"))
        for name, value in values.items():
            setattr(event, name, value)
        db.session.commit()


def cache_everything(client, language: str) -> dict[str, str]:
    """Read every page once, so it is cached; return their ETags."""
    etags = {}
    for path in PAGES:
        page = client.get(in_language(path, language))
        assert page.status_code == 200
        etags[path] = page.headers["ETag"]
    return etags


def pages_now(client, language: str, etags: dict[str, str]) -> dict[str, str]:
    """Return every page as a browser holding the old ones now gets it (never a 304)."""
    pages = {}
    for path, etag in etags.items():
        page = client.get(in_language(path, language), headers={"If-None-Match": etag})
        assert page.status_code != 304, f"{path} in {language} is still the old page"
        pages[path] = page.text if page.status_code == 200 else str(page.status_code)
    return pages


def listed(html: str, slug: str) -> bool:
    return f'href="/events/{slug}"' in html


def past_on_series_page(html: str, slug: str) -> bool:
    past = html.find('id="past-heading"')
    return past != -1 and html.find(f'href="/events/{slug}"') > past


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cached_page_answers_304_to_its_etag(client, site, language):
    for path in PAGES:
        first = client.get(in_language(path, language))
        assert first.status_code == 200
        assert re.search(rf'<html lang="{language}">', first.text)
        assert "no-cache" in first.headers["Cache-Control"]
        again = client.get(in_language(path, language),
                           headers={"If-None-Match": first.headers["ETag"]})  # fmt: skip
        assert again.status_code == 304, path
        assert again.data == b""
        assert again.headers["ETag"] == first.headers["ETag"]


def test_each_language_of_a_page_has_its_own_etag(client, site):
    for path in PAGES:
        etags = {client.get(in_language(path, code)).headers["ETag"] for code in LANGUAGES}
        assert len(etags) == len(LANGUAGES), path


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cached_page_costs_one_query(app, client, site, language):
    for path in PAGES:
        queries_to_show(app, client, in_language(path, language))
        assert queries_to_show(app, client, in_language(path, language)) == 1, path


def test_a_page_rendered_afresh_costs_as_many_queries_with_many_talks(
    app, client, site, talk, clock, make_event
):
    lists = ("/", "/events/past", SERIES)
    few = [queries_to_show(app, client, path) for path in lists]
    with app.app_context():
        series_id = db.session.scalar(db.select(Series.id))
    for number in range(14):
        days = number + 1 if number % 2 else -number - 1
        event = talk(slug=f"more-{number}", series_id=series_id, series_label="",
                     starts_at=TALK_START + timedelta(days=days),
                     ends_at=TALK_END + timedelta(days=days))  # fmt: skip
        add_speakers(app, event.id, [("Ada Lovelace", "Analyst", "Engines")])
        add_topics(app, event.id, f"Topic {number}", "Robotics")
    assert [queries_to_show(app, client, path) for path in lists] == few


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_talk_shows_when_published_and_not_before(app, client, clock, site, make_event,
                                                        language):  # fmt: skip
    etags = cache_everything(client, language)
    with app.app_context():
        series_id = db.session.scalar(db.select(Series.id))
    make_event(slug="brand-new", series_id=series_id, status="draft",
               starts_at=TALK_START + timedelta(days=3))  # fmt: skip
    for path in ("/", SERIES):
        assert not listed(client.get(in_language(path, language)).text, "brand-new")
    clock.advance(seconds=1)
    with app.app_context():
        db.session.scalar(db.select(Event).where(Event.slug == "brand-new")).status = "published"
        db.session.commit()
    pages = pages_now(client, language, {path: etags[path] for path in ("/", SERIES)})
    assert listed(pages["/"], "brand-new")
    assert listed(pages[SERIES], "brand-new")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_edited_title_shows_everywhere_at_once(app, client, clock, site, language):
    etags = cache_everything(client, language)
    translations = {"fr": {"title": "Acier vert"}, "de": {"title": "Grüner Stahl"}}
    change(app, clock, title="Green steel", translations=translations)
    title = {"en": "Green steel", "fr": "Acier vert", "de": "Grüner Stahl"}[language]
    pages = pages_now(client, language, {p: etags[p] for p in ("/", SERIES, "/events/coming")})
    for path, html in pages.items():
        assert title in html, path


@pytest.mark.parametrize("language", ("fr", "de"))
def test_an_edited_translation_shows_in_its_language_at_once(app, client, clock, site, language):
    etags = cache_everything(client, language)
    change(app, clock, translations={language: {"title": f"Titre {language} corrigé"}})
    pages = pages_now(client, language, {p: etags[p] for p in ("/", SERIES, "/events/coming")})
    for path, html in pages.items():
        assert f"Titre {language} corrigé" in html, path


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unpublished_talk_leaves_every_page(app, client, clock, site, language):
    etags = cache_everything(client, language)
    change(app, clock, status="draft")
    pages = pages_now(client, language, {p: etags[p] for p in ("/", SERIES, "/events/coming")})
    assert not listed(pages["/"], "coming")
    assert not listed(pages[SERIES], "coming")
    assert pages["/events/coming"] == "404"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cancelled_talk_leaves_the_lists_and_says_so_on_its_page(app, client, clock, site,
                                                                   language):  # fmt: skip
    etags = cache_everything(client, language)
    change(app, clock, status="cancelled")
    pages = pages_now(client, language, {p: etags[p] for p in ("/", SERIES, "/events/coming")})
    assert not listed(pages["/"], "coming")
    assert not listed(pages[SERIES], "coming")
    assert "event-cancelled" in pages["/events/coming"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_seats_taken_show_on_the_talk_page_at_once(app, client, site, language):
    etags = cache_everything(client, language)
    first = client.get(in_language("/events/coming", language)).text
    assert re.search(r'class="seats-left">5 ', first)
    with app.app_context():
        # As webinar.seats takes a seat: one UPDATE of the counter, nothing else.
        db.session.execute(text("UPDATE event SET seats_taken = 4 WHERE slug = 'coming'"))
        db.session.commit()
    page = pages_now(client, language, {"/events/coming": etags["/events/coming"]})
    assert re.search(r'class="seats-left">1 ', page["/events/coming"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_talk_moves_to_the_past_as_the_clock_passes_its_end(client, clock, site, language):
    etags = cache_everything(client, language)
    assert "registration-box" in client.get(in_language("/events/coming", language)).text
    clock.set(TALK_END + timedelta(minutes=1))
    etags.pop("/events/done")  # the other talk's page stays as it was
    pages = pages_now(client, language, etags)
    assert not listed(pages["/"], "coming")
    assert listed(pages["/events/past"], "coming")
    assert past_on_series_page(pages[SERIES], "coming")
    assert "registration-box" not in pages["/events/coming"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_renamed_series_shows_on_every_page_at_once(app, client, clock, site, language):
    etags = cache_everything(client, language)
    clock.advance(seconds=1)
    with app.app_context():
        db.session.scalar(db.select(Series)).name = "Cluster Talks"
        db.session.commit()
    pages = pages_now(client, language, etags)
    for path, html in pages.items():
        assert 'href="/series/eu-clusters-talk">Cluster Talks' in html or (
            path == SERIES and '<h1 id="series-title">Cluster Talks<' in html
        ), path
        assert "EU Clusters Talk" not in html, path


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_topic_shows_in_the_filter_and_on_the_talk_page(app, client, clock, site, language):
    etags = cache_everything(client, language)
    clock.advance(seconds=1)
    with app.app_context():
        event_id = db.session.scalar(db.select(Event.id).where(Event.slug == "coming"))
    add_topics(app, event_id, "Clean technologies")
    shown = ("/", "/events/past", "/events/coming")
    pages = pages_now(client, language, {path: etags[path] for path in shown})
    for html in pages.values():
        assert "Clean technologies" in html
