"""A talk's languages: which it is offered in, and its texts in the other ones.

Each change is one transaction with its audit entry. The texts live on the
rows themselves (see webinar.talk_languages): the talk, its speakers,
materials, questions and their options.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ... import audit
from ...extensions import db
from ...languages import languages
from ...models import AuditAction, Event
from ...talk_languages import TRANSLATED_FIELDS, translations_with


class LanguagesInvalid(ValueError):
    """The languages asked for are not ones the site offers."""


def translated_rows(event: Event) -> list:
    """Return the talk and every row of it whose texts can be written per language."""
    options = [option for question in event.questions for option in question.options]
    return [event, *event.speakers, *event.materials, *event.questions, *options]


def fields_of(row) -> tuple[str, ...]:
    return TRANSLATED_FIELDS[type(row).__name__]


def set_languages(event: Event, default: str, others: list[str]) -> None:
    """Set a talk's default language and the others it is offered in; commit.

    A new default language swaps texts: what was written in it becomes the
    talk's own texts, and the former default's texts are kept as a
    translation, so that nothing written is lost.
    """
    known = languages()
    if default not in known or any(code not in known for code in others):
        raise LanguagesInvalid(_("Choose among the languages of the site."))
    if default != event.language:
        for row in translated_rows(event):
            swap_default(row, event.language, default)
    before = (event.language, list(event.other_languages or ()))
    event.language = default
    event.other_languages = [code for code in known if code in others and code != default]
    after = (event.language, event.other_languages)
    if after != before:
        details = ", ".join([f"{default} (default)", *event.other_languages])
        audit.record(AuditAction.TALK_LANGUAGES_CHANGED, event=event, details=details)
    db.session.commit()


def swap_default(row, old: str, new: str) -> None:
    """Make a row's texts in `new` its own, keeping its own ones as the `old` translation."""
    fields = fields_of(row)
    written = (row.translations or {}).get(new, {})
    own = {field: getattr(row, field) or "" for field in fields}
    translations = translations_with(row, old, own)
    translations.pop(new, None)
    for field in fields:
        if written.get(field, "").strip():
            setattr(row, field, written[field])
    row.translations = translations


def save_texts(event: Event, language: str, texts: dict[tuple[str, int], dict[str, str]]) -> int:
    """Write a talk's texts in one of its other languages; commit; return how many rows changed.

    `texts` maps (kind, id) of each row ("Event", "Speaker", ...) to its
    fields' texts; an empty text falls back to the default language.
    """
    if language not in languages() or language == event.language:
        raise LanguagesInvalid(_("Choose one of the talk's other languages."))
    changed = 0
    for row in translated_rows(event):
        values = texts.get((type(row).__name__, row.id))
        if values is None:
            continue
        translations = translations_with(row, language, values)
        if translations != (row.translations or {}):
            row.translations = translations
            changed += 1
    if changed:
        audit.record(AuditAction.TALK_TRANSLATED, event=event, details=language)
    db.session.commit()
    return changed
