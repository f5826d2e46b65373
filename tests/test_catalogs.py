"""The French and German catalogs: complete, faithful to the placeholders, and used on every page.

The catalogs are checked as files (every text of the code and templates has
a translation in each language, with the same placeholders, none fuzzy), and
then as the site shows them: every public and organiser page, walked in
French and in German, must not show a text of the English catalog that has
a translation of its own.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.catalogs import CATALOGS, ENGLISH_ONLY_PAGES, catalog
from support.site_walk import get_rules, populate

from webinar.extensions import db
from webinar.models import Organiser

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "de")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
# Texts that read the same in every language on purpose: names of products
# and standards, codes and formats.
SAME_IN_EVERY_LANGUAGE = {"English", "Français", "Deutsch", "LinkedIn", "X", "Facebook",
                          "CSV", "JSON", "PDF", "UTC", "Markdown."}  # fmt: skip
# Texts of the walked site's own data that happen to be words of the catalog.
WALKED_DATA = {"Site"}  # the title of a link among the talk's materials


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def entries(language: str):
    """Yield (msgid, msgid_plural or None, [msgstr forms], fuzzy) of one catalog."""
    for message in catalog(language):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            yield message.id[0], message.id[1], list(message.string), message.fuzzy
        else:
            yield message.id, None, [message.string], message.fuzzy


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The texts marked in the code and templates now, as `make translations` extracts them."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location",
         "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "_l", "-k", "lazy_ngettext:1,2",
         "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    from babel.messages.pofile import read_po

    with pot.open("rb") as source:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(source) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_text_is_in_the_catalog(extracted, language):
    known = {msgid for msgid, *_rest in entries(language)}
    missing = sorted(extracted - known)
    assert not missing, f"run `make translations` and translate: {missing[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_with_the_same_placeholders(language):
    problems = []
    for msgid, plural, forms, fuzzy in entries(language):
        if fuzzy:
            problems.append(f"fuzzy: {msgid}")
        for number, form in enumerate(forms):
            if not form.strip():
                problems.append(f"empty: {msgid}")
                continue
            # A singular may say "one" instead of the number; any other form keeps them all.
            english = msgid if plural is None or number == 0 else plural
            expected, found = placeholders(english), placeholders(form)
            if found != expected and not (plural and set(found) <= set(placeholders(plural))):
                problems.append(f"placeholders {found} instead of {expected}: {msgid}")
    assert not problems, "\n".join(problems[:20])


def test_the_catalogs_use_the_formal_address():
    french = " ".join(form for _id, _pl, forms, _f in entries("fr") for form in forms)
    german = " ".join(form for _id, _pl, forms, _f in entries("de") for form in forms)
    assert not re.search(r"\b(tu|ton|ta|tes|toi)\b", french)
    assert not re.search(r"\b(du|dein|deine|dich|dir)\b", german)
    assert "liste d'attente" in french and "inscription" in french
    assert "Warteliste" in german and "Anmeldung" in german


class VisibleTexts(HTMLParser):
    """Collect what a reader meets on a page: text, and the labels of attributes."""

    ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre"):
            self.skipping += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(" ".join(value.split()))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def untranslated_english(language: str) -> set[str]:
    """Return the English texts (without placeholders) that the language writes differently."""
    english = set()
    for msgid, plural, forms, _fuzzy in entries(language):
        for text, form in ((msgid, forms[0]), (plural, forms[-1])):
            if text and "%(" not in text and "<" not in text and form != text:
                english.add(" ".join(text.split()))
    return english - SAME_IN_EVERY_LANGUAGE - WALKED_DATA


def english_on(page: str, english: set[str]) -> set[str]:
    parser = VisibleTexts()
    parser.feed(page)
    return {text for text in parser.texts if text in english}


@pytest.fixture
def walked_site(app, make_event, owner):
    """A site with one of everything, walked by its owner, made an administrator."""
    site = populate(app, make_event, owner)
    with app.app_context():
        db.session.get(Organiser, owner).is_admin = True
        db.session.commit()
    return site


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_text_is_left_on_any_page(app, client, owner_client, walked_site, language):
    english = untranslated_english(language)
    left: dict[str, set[str]] = {}
    for browser, public in ((client, True), (owner_client, False)):
        browser.set_cookie("lang", language)
        for rule in get_rules(app, public=public):
            if rule.endpoint == "languages.choose":
                continue  # it would pick another language
            path = walked_site.url(rule)
            response = browser.get(path)
            response.close()
            if response.mimetype != "text/html" or response.status_code >= 300:
                continue
            if path in ENGLISH_ONLY_PAGES:
                assert '<html lang="en">' in response.text, path
                continue
            assert f'<html lang="{language}">' in response.text, path
            found = english_on(response.text, english)
            if found:
                left[path] = found
    assert not left, left


class PostForms(HTMLParser):
    """Collect the forms of a page that post and ask for something: (action, CSRF token)."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "").lower() == "post":
            self.forms.append({"action": values.get("action") or self.path, "token": "",
                               "required": False})  # fmt: skip
        elif self.forms and tag in ("input", "select", "textarea"):
            if values.get("name") == "csrf_token":
                self.forms[-1]["token"] = values.get("value") or ""
            elif "required" in values and values.get("type") != "hidden":
                self.forms[-1]["required"] = True


def library_english() -> list[re.Pattern]:
    """Return the messages of WTForms and Flask-WTF in English, as patterns of whole texts."""
    import wtforms
    from babel.messages.pofile import read_po

    po = Path(wtforms.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "wtforms.po"
    with po.open("rb") as source:
        ids = [text for m in read_po(source) if m.id
               for text in (m.id if isinstance(m.id, tuple) else (m.id,))]  # fmt: skip
    ids += ["The CSRF token is missing.", "The CSRF token has expired.",
            "The CSRF token is invalid.", "The CSRF session token is missing.",
            "The CSRF tokens do not match."]  # fmt: skip
    return [re.compile(re.sub(r"%(\\\(\w+\\\))?[sd]", ".+", re.escape(text))) for text in ids]


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_text_is_left_on_a_form_sent_empty(
    app, client, owner_client, walked_site, language
):
    """Every form that asks for something, sent empty, answers with messages in the language."""
    english, library = untranslated_english(language), library_english()
    left: dict[str, set[str]] = {}
    sent = 0
    for browser, public in ((client, True), (owner_client, False)):
        browser.set_cookie("lang", language)
        for rule in get_rules(app, public=public):
            path = walked_site.url(rule)
            if rule.endpoint == "languages.choose" or path in ENGLISH_ONLY_PAGES:
                continue
            page = browser.get(path)
            page.close()
            if page.mimetype != "text/html" or page.status_code != 200:
                continue
            forms = PostForms(path)
            forms.feed(page.text)
            for form in forms.forms:
                if not form["required"]:
                    continue  # a button: sending it empty would do what it says
                answer = browser.post(form["action"], data={"csrf_token": form["token"]})
                answer.close()
                if answer.mimetype != "text/html" or answer.status_code >= 300:
                    continue
                sent += 'class="field-error"' in answer.text
                parser = VisibleTexts()
                parser.feed(answer.text)
                found = {text for text in parser.texts if text in english
                         or any(pattern.fullmatch(text) for pattern in library)}  # fmt: skip
                if found:
                    left[f"{path} -> {form['action']}"] = found
    assert sent > 20, sent  # forms answered with their errors
    assert not left, left


def test_the_walk_finds_english_where_a_text_is_not_translated(app, client, make_event):
    """The check itself works: an English-only page is caught by it."""
    make_event()
    english = untranslated_english("fr")
    assert "Upcoming talks" in english_on(client.get("/").text, english)
    client.set_cookie("lang", "fr")
    assert not english_on(client.get("/").text, english)


def test_make_translations_keeps_the_catalogs_wrapped_at_100_columns():
    """The committed catalogs are wrapped at 100 columns: updating them keeps it so."""
    dry = subprocess.run(["make", "-n", "translations"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    commands = dry.stdout.replace("\\\n", " ").splitlines()
    pybabel = [line for line in commands if "pybabel extract" in line or "pybabel update" in line]
    assert len(pybabel) == 2, dry.stdout + dry.stderr
    assert all("--width 100" in line for line in pybabel), pybabel


def test_catalogs_live_in_the_package():
    for language in LANGUAGES:
        assert (CATALOGS / language / "LC_MESSAGES" / "messages.po").is_file()
    assert (CATALOGS / "messages.pot").is_file()
