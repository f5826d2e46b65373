"""A talk's texts in the languages it is offered in.

A talk is written in its default language (the plain columns: Event.title,
Speaker.role, Question.label, ...) and may offer others. The other languages'
texts live in a JSON column `translations` on the same row,
{"fr": {"title": "...", "summary": "..."}, "de": {...}}: a page that loads a
talk, its speakers or its questions has their translations without another
query, and a changed translation moves the talk's updated_at (the page
cache's key) like any other edit.

A text missing in a language falls back to the talk's default language; the
returned LocalText says which language it is in, so the page can mark that
block with its own `lang` (WCAG 3.1.2).
"""

from __future__ import annotations

from flask import current_app, g
from flask_babel import force_locale
from markupsafe import Markup

from .languages import current_language, languages

# The texts of each kind of row that can be written per language.
TRANSLATED_FIELDS = {
    "Event": ("title", "summary", "description", "post_summary", "banner_alt"),
    "Speaker": ("role",),
    "Material": ("title",),
    "Question": ("label", "help_text"),
    "QuestionOption": ("text",),
}


class LocalText(str):
    """A text that knows the language it is written in."""

    lang: str

    def __new__(cls, value: str, lang: str) -> LocalText:
        text = super().__new__(cls, value)
        text.lang = lang
        return text


def in_language(language: str | None):
    """Return a context in which emails, calendar files and dates are written in a language.

    For the emails of a registrant or an organiser, rendered by a request or
    by the worker alike; a language no longer offered gives the site's default.
    """
    known = language in languages()
    return force_locale(language if known else current_app.config["DEFAULT_LANGUAGE"])


def text_of(row, field: str, language: str | None = None, event=None) -> LocalText:
    """Return a row's text in a language, or in the talk's default language without one.

    The row is a talk or one of its speakers, materials, questions or options;
    `event` is its talk, needed for questions and options (speakers and
    materials know theirs). Only the languages the talk offers are shown.
    """
    language = language or current_language()
    event = event or getattr(row, "event", None) or row
    if language != event.language and language in (event.other_languages or ()):
        written = (row.translations or {}).get(language, {}).get(field, "")
        if written.strip():
            return LocalText(written, language)
    return LocalText(getattr(row, field) or "", event.language)


def lang_attribute(text) -> Markup:
    """Return ` lang="xx"` for a text written in another language than the page, else nothing."""
    lang = getattr(text, "lang", None)
    if lang is None or lang == current_language():
        return Markup("")
    return Markup(' lang="{}"').format(lang)


def marked(text) -> str | Markup:
    """Return a text as HTML in a `<span lang>` when it is not in the page's language."""
    attribute = lang_attribute(text)
    return Markup("<span{}>{}</span>").format(attribute, text) if attribute else text


def offered_languages(event) -> list[str]:
    """Return the languages a talk is offered in, its default language first."""
    offered = event.other_languages or ()
    others = [code for code in languages() if code in offered and code != event.language]
    return [event.language, *others]


def offer_page_languages(event) -> None:
    """Tell the locale selector which languages this request's talk is offered in.

    `event` is a talk or a row with its `language` and `other_languages`; call
    it before anything renders, as the locale is chosen once per request.
    """
    g.page_languages = offered_languages(event)
    g.page_default_language = event.language


def translations_with(row, language: str, values: dict[str, str]) -> dict:
    """Return a copy of a row's translations with one language's texts replaced.

    A new dict, so that SQLAlchemy sees the JSON column change; empty texts
    are left out, so that they fall back to the default language.
    """
    kept = {code: dict(texts) for code, texts in (row.translations or {}).items()}
    written = {field: value.strip() for field, value in values.items() if value and value.strip()}
    if written:
        kept[language] = written
    else:
        kept.pop(language, None)
    return kept
