"""The public registration form of a talk, made once per version of the talk and language.

Reading a talk's questions and making its form class (a field per question,
the fixed fields as the talk asks them) cost more than the rest of a
registration's POST. The class depends only on what the talk's
content_version counts (its questions, their options, the fields it asks;
any change of the talk's row raises it, seats aside) and on the language.
So each process keeps the classes it made under (talk, content_version,
language), and a request finds its class under the version it has just read
from the database: never an older one. seats.register checks that version
again in its transaction, so a registration is never saved with the answers
of a form that changed meanwhile.

A class holds copies of the questions (AskedQuestion), not rows of a
database session, so that any later request of the process may use it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from types import SimpleNamespace

from flask import current_app

from ..languages import current_language
from ..models import CHOICE_KINDS, Event
from .forms import RegistrationForm
from .questions import registration_form_class

# Form classes kept per process: a few for each talk open for registration.
MOST_KEPT = 200


@dataclass(frozen=True, eq=False)
class TalkLanguages:
    """What a question's text needs of its talk: the languages it is offered in."""

    language: str
    other_languages: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class AskedOption:
    """An option of a question, as the form offers it."""

    id: int
    text: str
    translations: dict
    event: TalkLanguages


@dataclass(frozen=True, eq=False)
class AskedQuestion:
    """A question as the form asks it: the columns of a Question the form and its page read."""

    id: int
    event: TalkLanguages
    position: int
    kind: str
    label: str
    help_text: str
    required: bool
    sensitive: bool
    max_length: int | None
    min_value: int | None
    max_value: int | None
    shown_if_id: int | None
    shown_if_answers: tuple[str, ...]
    translations: dict
    options: tuple[AskedOption, ...]

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS


def asked(question, languages: TalkLanguages) -> AskedQuestion:
    """Return the copy of a talk's question (and its options) that a form class keeps."""
    return AskedQuestion(
        id=question.id,
        event=languages,
        position=question.position,
        kind=question.kind,
        label=question.label,
        help_text=question.help_text or "",
        required=bool(question.required),
        sensitive=bool(question.sensitive),
        max_length=question.max_length,
        min_value=question.min_value,
        max_value=question.max_value,
        shown_if_id=question.shown_if_id,
        shown_if_answers=tuple(question.shown_if_answers or ()),
        translations=dict(question.translations or {}),
        options=tuple(
            AskedOption(option.id, option.text, dict(option.translations or {}), languages)
            for option in question.options
        ),
    )


def form_class_of(event: Event) -> type[RegistrationForm]:
    """Make the form class of a talk loaded with its questions, holding copies of them."""
    languages = TalkLanguages(event.language, tuple(event.other_languages or ()))
    talk = SimpleNamespace(
        organisation_field=event.organisation_field,
        job_title_field=event.job_title_field,
        country_field=event.country_field,
        questions=[asked(question, languages) for question in event.questions],
    )
    form_class = registration_form_class(talk)
    # The version it was made of: seats.register checks it in its transaction.
    form_class.talk_version = event.content_version
    return form_class


_lock = Lock()


def _kept() -> OrderedDict[tuple, type[RegistrationForm]]:
    """Return this app's form classes: one app, one database, whose ids and versions they are."""
    return current_app.extensions.setdefault("talk_forms", OrderedDict())


def talk_form_class(talk, load: Callable[[], Event]) -> type[RegistrationForm]:
    """Return the form class of a talk at the version `talk` has (its id and content_version).

    load() returns the talk with its questions, called only when this process
    has no class of that version yet; the class made is kept under the
    version it was loaded at.
    """
    language = current_language()
    kept = _kept()
    form_class = kept.get((talk.id, talk.content_version, language))
    if form_class is not None:
        return form_class
    event = load()
    form_class = form_class_of(event)
    with _lock:
        kept[(event.id, event.content_version, language)] = form_class
        while len(kept) > MOST_KEPT:
            kept.popitem(last=False)
    return form_class
