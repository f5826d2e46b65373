"""The registration form of one talk: its fixed fields as the talk asks them, then its questions.

A form class is made from the talk's questions, so CSRF, errors and the
values kept on error work for the questions as for the fixed fields, and
SiteForm's checks (control characters, ranges) cover them too. The public
form's class is made once per talk version and language (talk_form.py).

A question shown only for some answers of an earlier one is decided on the
server from what was submitted: hidden, it is never required and whatever
was sent for it is ignored.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import SiteForm
from ..languages import lazy_gettext as _l
from ..languages import lazy_ngettext
from ..models import AGREED, NO, YES, Event, FieldUse, Question, QuestionKind
from ..talk_languages import marked, text_of
from .forms import RegistrationForm, country_choices, strip, text_field, too_long

# A single choice with more options than this is a select, not a row of radio buttons.
MOST_RADIO_OPTIONS = 7
# The longest text answer when the question sets no limit of its own.
SHORT_TEXT_LIMIT = 300
LONG_TEXT_LIMIT = 5000
URL_LIMIT = 2000

ANSWER_PLEASE = _l("Please answer this question.")
CHOOSE_OFFERED = _l("Please choose one of the options offered.")
NUMBER_PLEASE = _l("Please enter a whole number, such as 12.")
DATE_PLEASE = _l("Please enter a date such as 2026-09-30 (year, month, day).")
URL_PLEASE = _l("Please enter a web address starting with https:// or http://.")


def one_kind_of_line_break(value):
    """Store the line breaks browsers send as CR LF as LF, like any other text."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def field_name(question_id: int) -> str:
    return f"q_{question_id}"


class CheckboxesField(SelectMultipleField):
    """Several options as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WholeNumberField(IntegerField):
    """An integer field that says plainly what it wants."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(NUMBER_PLEASE) from error


class IsoDateField(DateField):
    """A date field (YYYY-MM-DD, what input type=date sends) that says plainly what it wants."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(DATE_PLEASE) from error


def offered(_form, field) -> None:
    """Refuse an option id the question did not offer (a changed or forged form)."""
    allowed = {choice.value for choice in field.choices if choice.value}
    values = field.data if isinstance(field.data, list) else [field.data]
    if any(value and value not in allowed for value in values):
        raise ValidationError(CHOOSE_OFFERED)


def web_address(_form, field) -> None:
    parts = urlsplit(field.data or "")
    if field.data and (parts.scheme.lower() not in ("http", "https") or not parts.netloc):
        raise ValidationError(URL_PLEASE)


def tick_range(question: Question):
    """Return a check of how many options of a multiple choice are ticked."""
    fewest, most = question.min_value, question.max_value

    def check(_form, field) -> None:
        count = len(field.data or [])
        if count == 0:
            return
        if fewest and count < fewest:
            raise ValidationError(_l("Please tick at least %(num)d options.", num=fewest))
        if most and count > most:
            raise ValidationError(
                lazy_ngettext(
                    "Please tick only one option.", "Please tick at most %(num)d options.", most
                )
            )

    return check


def number_range(question: Question):
    low, high = question.min_value, question.max_value

    def check(_form, field) -> None:
        value = field.data
        if value is None:
            return
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                raise ValidationError(
                    _l("Please enter a number from %(low)d to %(high)d.", low=low, high=high)
                )
            if low is not None:
                raise ValidationError(_l("Please enter a number of at least %(low)d.", low=low))
            raise ValidationError(_l("Please enter a number of at most %(high)d.", high=high))

    return check


def question_field(question: Question):
    """Return the unbound WTForms field that asks one question."""
    kind = question.kind
    # In the visitor's language where the talk has it; answers keep the default's.
    label = marked(text_of(question, "label"))
    presence = [InputRequired(message=ANSWER_PLEASE) if question.required else Optional()]
    if kind == QuestionKind.AGREEMENT:
        agreed = DataRequired(message=_l("Please agree to register."))
        return BooleanField(label, validators=[agreed])
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        short = kind == QuestionKind.SHORT_TEXT
        limit = question.max_length or (SHORT_TEXT_LIMIT if short else LONG_TEXT_LIMIT)
        required = DataRequired(message=ANSWER_PLEASE) if question.required else Optional()
        return (StringField if short else TextAreaField)(
            label,
            validators=[
                required,
                Length(max=limit, message=too_long(limit)),
            ],
            filters=[strip, one_kind_of_line_break],
            render_kw={"maxlength": limit},
        )
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO, QuestionKind.COUNTRY):
        if kind == QuestionKind.YES_NO:
            pairs, field_class = [(YES, _l("Yes")), (NO, _l("No"))], RadioField
        elif kind == QuestionKind.COUNTRY:
            pairs = [("", _l("Choose a country")), *country_choices()]
            field_class = SelectField
        else:
            pairs = [(str(option.id), text_of(option, "text")) for option in question.options]
            field_class = RadioField
            if len(pairs) > MOST_RADIO_OPTIONS:
                pairs, field_class = [("", _l("Choose one")), *pairs], SelectField
        choices = [SelectChoice(value, text) for value, text in pairs]
        required = DataRequired(message=ANSWER_PLEASE) if question.required else Optional()
        return field_class(
            label, choices=choices, validators=[required, offered], validate_choice=False
        )
    if kind == QuestionKind.MULTIPLE_CHOICE:
        required = DataRequired(message=ANSWER_PLEASE) if question.required else Optional()
        return CheckboxesField(
            label,
            choices=[
                SelectChoice(str(option.id), text_of(option, "text")) for option in question.options
            ],
            validators=[required, offered, tick_range(question)],
            validate_choice=False,
        )
    if kind == QuestionKind.NUMBER:
        limits = {"min": question.min_value, "max": question.max_value, "step": 1}
        return WholeNumberField(
            label,
            validators=[*presence, number_range(question)],
            render_kw={name: value for name, value in limits.items() if value is not None},
        )
    if kind == QuestionKind.DATE:
        return IsoDateField(label, validators=presence, format="%Y-%m-%d")
    if kind == QuestionKind.URL:
        return URLField(
            label,
            validators=[
                *presence,
                Length(max=URL_LIMIT, message=too_long(URL_LIMIT)),
                web_address,
            ],
            filters=[strip],
            render_kw={"maxlength": URL_LIMIT, "autocomplete": "url"},
        )
    raise ValueError(f"Unknown question kind: {kind}")


class QuestionsMixin:
    """What a form with a talk's questions knows: which are shown, and their answers."""

    questions: tuple[Question, ...] = ()

    def question_fields(self):
        """Yield (question, bound field) in the form's order."""
        for question in self.questions:
            yield question, self[field_name(question.id)]

    def submitted_values(self, question: Question) -> list[str]:
        field = self[field_name(question.id)]
        data = field.data
        if data is None or data == "":
            return []
        return [str(value) for value in data] if isinstance(data, list) else [str(data)]

    def hidden_questions(self) -> set[int]:
        """Return the ids of questions whose condition the submitted answers do not meet."""
        hidden: set[int] = set()
        for question in self.questions:
            parent_id = question.shown_if_id
            if parent_id is None:
                continue
            parent = next((q for q in self.questions if q.id == parent_id), None)
            # A condition on a question no longer asked never holds.
            if parent is None or parent.id in hidden:
                hidden.add(question.id)
                continue
            wanted = {str(value) for value in question.shown_if_answers or ()}
            if not wanted & set(self.submitted_values(parent)):
                hidden.add(question.id)
        return hidden

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A hidden question is never required, and a value sent for it is never checked.
        for question_id in self.hidden_questions():
            self[field_name(question_id)].errors = []
        return valid or not any(field.errors for field in self)

    def answers(self) -> list[dict]:
        """Return the answers to store: one per option ticked, none for empty or hidden ones."""
        hidden = self.hidden_questions()
        rows = []
        for question, field in self.question_fields():
            if question.id in hidden:
                continue
            snapshot = {
                "question_id": question.id,
                "question_label": question.label,
                "question_kind": question.kind,
                "question_position": question.position,
                "question_sensitive": question.sensitive,
            }
            for option_id, value in answer_values(question, field.data):
                rows.append({**snapshot, "option_id": option_id, "value": value})
        return rows


def answer_values(question: Question, data) -> list[tuple[int | None, str]]:
    """Return (option id, stored value) of a valid answer; [] when there is none."""
    kind = question.kind
    if data is None or data == "" or data == []:
        return []
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        texts = {str(option.id): option.text for option in question.options}
        chosen = data if isinstance(data, list) else [data]
        return [(int(value), texts[value]) for value in chosen if value in texts]
    if kind == QuestionKind.AGREEMENT:
        return [(None, AGREED)] if data else []
    if kind == QuestionKind.DATE:
        return [(None, data.isoformat())]
    return [(None, str(data))]


def initial_data(registration) -> dict:
    """Return the form data of a registration's stored answers to its talk's current questions."""
    kinds = {question.id: question.kind for question in registration.event.questions}
    data: dict = {}
    for answer in registration.answers:
        kind = kinds.get(answer.question_id)
        name = field_name(answer.question_id) if answer.question_id else None
        if kind is None:
            continue
        if kind == QuestionKind.MULTIPLE_CHOICE:
            if answer.option_id:
                data.setdefault(name, []).append(str(answer.option_id))
        elif kind == QuestionKind.SINGLE_CHOICE:
            data[name] = str(answer.option_id) if answer.option_id else None
        elif kind == QuestionKind.AGREEMENT:
            data[name] = answer.value == AGREED
        elif kind == QuestionKind.NUMBER:
            data[name] = _parsed(int, answer.value)
        elif kind == QuestionKind.DATE:
            data[name] = _parsed(date.fromisoformat, answer.value)
        else:
            data[name] = answer.value
    return data


def _parsed(parse, value):
    try:
        return parse(value)
    except ValueError:
        return None


def fixed_field(use: str, required_field, optional_field):
    """Return the field a FieldUse asks for: required, optional, or None (not on the form)."""
    if use == FieldUse.OFF:
        return None
    return required_field if use == FieldUse.REQUIRED else optional_field


def registration_form_class(event: Event) -> type[RegistrationForm]:
    """Return the registration form of a talk: its fixed fields as it asks them, its questions."""
    country_required = [DataRequired(message=_l("Please choose your country."))]
    fields: dict = {
        "organisation": fixed_field(
            event.organisation_field,
            text_field("organisation", 200, autocomplete="organization"),
            text_field("organisation", 200, required=False, autocomplete="organization"),
        ),
        "job_title": fixed_field(
            event.job_title_field,
            text_field("job_title", 200, autocomplete="organization-title"),
            text_field("job_title", 200, required=False, autocomplete="organization-title"),
        ),
        "country": fixed_field(
            event.country_field,
            SelectField(_l("Country"), choices=[], validators=country_required,
                        validate_choice=False),  # fmt: skip
            SelectField(_l("Country"), choices=[], validators=[Optional()], validate_choice=False),
        ),
    }
    return _with_questions(RegistrationForm, event, fields)


def answers_form_class(event: Event) -> type[SiteForm]:
    """Return the form that changes the answers of a registration to this talk's questions."""
    return _with_questions(SiteForm, event, {})


def _with_questions(base: type, event: Event, fields: dict) -> type:
    questions = tuple(event.questions)
    for question in questions:
        fields[field_name(question.id)] = question_field(question)
    # None removes a field of the base class (WTForms' way); the mixin comes first
    # so its validate() wraps SiteForm's.
    return type(base.__name__, (QuestionsMixin, base), {**fields, "questions": questions})
