"""The forms of a talk's languages: which it is offered in, and its texts in one of them."""

from __future__ import annotations

from typing import NamedTuple

from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from ..languages import NAMES, languages
from ..languages import lazy_gettext as _l
from ..models import Event
from .forms import CheckboxListField, OrganiserForm
from .services.talk_languages import fields_of, translated_rows

# Each text's field: its label, whether it takes several lines, its longest length.
TEXT_FIELDS = {
    ("Event", "title"): (_l("Title"), False, 200),
    ("Event", "summary"): (_l("Summary"), True, 2000),
    ("Event", "description"): (_l("Description (Markdown)"), True, 20000),
    ("Event", "post_summary"): (_l("Summary after the event (Markdown)"), True, 20000),
    ("Event", "banner_alt"): (_l("Banner description (alt text)"), False, 300),
    ("Speaker", "role"): (_l("Role of %(name)s"), False, 200),
    ("Material", "title"): (_l("Title of material %(position)s"), False, 200),
    ("Question", "label"): (_l("Question %(position)s"), False, 500),
    ("Question", "help_text"): (_l("Help text of question %(position)s"), False, 1000),
    ("QuestionOption", "text"): (_l("Question %(question)s, option %(position)s"), False, 300),
}
# The sections of the texts page, in order, by the kinds of rows they hold.
SECTIONS = (
    (_l("The talk"), ("Event",)),
    (_l("Speakers"), ("Speaker",)),
    (_l("Materials"), ("Material",)),
    (_l("Registration questions"), ("Question", "QuestionOption")),
)


class TalkLanguagesForm(OrganiserForm):
    language = SelectField(_l("Default language"))
    other_languages = CheckboxListField(_l("Also offered in"), validate_choice=False)
    save = SubmitField(_l("Save the languages"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(code, NAMES.get(code, code)) for code in languages()]
        self.language.choices = choices
        self.other_languages.choices = choices


class LanguageForm(OrganiserForm):
    """The organiser's own language: of the organiser area and of the emails to them."""

    language = SelectField(_l("Language of the organiser area and of your emails"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [(code, NAMES.get(code, code)) for code in languages()]


def announcement_form_class(event: Event, base: type[OrganiserForm]) -> type[OrganiserForm]:
    """Return the announcement form with a subject and a message per other language of the talk.

    Both optional: people of a language without them get the message in the
    talk's default language.
    """

    class AnnouncementForm(base):
        pass

    for code in event.other_languages or ():
        name = NAMES.get(code, code)
        setattr(AnnouncementForm, f"subject_{code}", StringField(
            _l("Subject in %(language)s", language=name), render_kw={"lang": code},
            validators=[Length(max=200, message=_l("Keep the subject under 200 characters."))],
        ))  # fmt: skip
        setattr(AnnouncementForm, f"body_{code}", TextAreaField(
            _l("Message in %(language)s", language=name), render_kw={"lang": code, "rows": 6},
            validators=[Length(max=20_000,
                               message=_l("Keep the message under 20,000 characters."))],
        ))  # fmt: skip
    return AnnouncementForm


def announcement_translations(event: Event, form) -> dict[str, dict[str, str]]:
    """Return the message in each other language it was written in, both subject and text."""
    found = {}
    for code in event.other_languages or ():
        subject = (form[f"subject_{code}"].data or "").strip()
        body = form[f"body_{code}"].data or ""
        if subject and body.strip():
            found[code] = {"subject": subject, "body": body}
    return found


def half_written(event: Event, form) -> list[str]:
    """Return the other languages given a subject without a message, or a message without one."""
    return [
        code for code in event.other_languages or ()
        if bool((form[f"subject_{code}"].data or "").strip())
        != bool((form[f"body_{code}"].data or "").strip())
    ]  # fmt: skip


class TextField(NamedTuple):
    """One text of the texts page: the row it belongs to, its field name and the form field."""

    kind: str
    row_id: int
    field: str
    name: str
    original: str


def text_fields(event: Event) -> list[TextField]:
    """Return the texts of a talk that can be written in another language, in page order."""
    found = []
    for row in translated_rows(event):
        kind = type(row).__name__
        for field in fields_of(row):
            name = f"{kind.lower()}_{row.id}_{field}"
            found.append(TextField(kind, row.id, field, name, getattr(row, field) or ""))
    return found


def label_of(event: Event, text: TextField) -> str:
    """Return the label of one text's field: 'Role of Ada Lovelace', 'Question 2'."""
    template = TEXT_FIELDS[text.kind, text.field][0]
    values = {}
    if text.kind == "Speaker":
        values["name"] = next(s.name for s in event.speakers if s.id == text.row_id)
    elif text.kind == "Material":
        values["position"] = 1 + [m.id for m in event.materials].index(text.row_id)
    elif text.kind == "Question":
        values["position"] = 1 + [q.id for q in event.questions].index(text.row_id)
    elif text.kind == "QuestionOption":
        for number, question in enumerate(event.questions, start=1):
            ids = [option.id for option in question.options]
            if text.row_id in ids:
                values = {"question": number, "position": 1 + ids.index(text.row_id)}
    return str(template) % values


def texts_form_class(event: Event, language: str) -> type[OrganiserForm]:
    """Return the form class of a talk's texts in one language: one field per text."""

    class TextsForm(OrganiserForm):
        save = SubmitField(_l("Save the texts"))

    for text in text_fields(event):
        _label, multiline, limit = TEXT_FIELDS[text.kind, text.field]
        field_class = TextAreaField if multiline else StringField
        field = field_class(
            label_of(event, text),
            validators=[
                Length(max=limit, message=_l("Keep it to %(limit)s characters.", limit=limit))
            ],
            render_kw={"lang": language},
        )
        setattr(TextsForm, text.name, field)
    return TextsForm


def texts_data(event: Event, language: str) -> dict[str, str]:
    """Return the form data of a talk's texts as written in a language."""
    data = {}
    rows = {(type(row).__name__, row.id): row for row in translated_rows(event)}
    for text in text_fields(event):
        written = rows[text.kind, text.row_id].translations or {}
        data[text.name] = written.get(language, {}).get(text.field, "")
    return data


def submitted_texts(event: Event, form) -> dict[tuple[str, int], dict[str, str]]:
    """Return the texts of a submitted form, by row, for services.talk_languages.save_texts."""
    texts: dict[tuple[str, int], dict[str, str]] = {}
    for text in text_fields(event):
        texts.setdefault((text.kind, text.row_id), {})[text.field] = form[text.name].data or ""
    return texts


def sections(event: Event, form) -> list[tuple[str, list[tuple[object, TextField]]]]:
    """Return the page's sections: a heading and its (bound field, text) pairs."""
    texts = text_fields(event)
    found = []
    for heading, kinds in SECTIONS:
        fields = [(form[text.name], text) for text in texts if text.kind in kinds]
        if fields:
            found.append((heading, fields))
    return found
