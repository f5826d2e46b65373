"""Forms of a talk's Questions page: a question, the fixed fields, and copying from another talk."""

from flask_babel import gettext as _
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..languages import lazy_gettext as _l
from ..models import CONDITION_KINDS, Event, FieldUse, Question, QuestionKind
from .forms import CheckboxListField, OrganiserForm
from .services.question_data import (
    KIND_LABELS,
    QuestionData,
    condition_answers,
    earlier_questions,
)

FIELD_USE_CHOICES = [SelectChoice(FieldUse.REQUIRED.value, _l("Required")),
                     SelectChoice(FieldUse.OPTIONAL.value, _l("Optional")),
                     SelectChoice(FieldUse.OFF.value, _l("Not asked"))]  # fmt: skip
KIND_CHOICES = [SelectChoice(kind.value, text) for kind, text in KIND_LABELS.items()]


class QuestionForm(OrganiserForm):
    kind = SelectField(_l("Type"), choices=KIND_CHOICES, default=QuestionKind.SHORT_TEXT.value)
    label = StringField(_l("Question"), validators=[DataRequired(_l("Enter the question.")),
                                                Length(max=500)])  # fmt: skip
    help_text = StringField(_l("Help text"), validators=[Length(max=1000)])
    required = BooleanField(_l("People must answer it"))
    sensitive = BooleanField(_l("Sensitive: hide the answers in the attendee list and the export "
                             "unless asked for"))  # fmt: skip
    max_length = IntegerField(_l("Longest answer, in characters (text)"),
                              validators=[Optional()])  # fmt: skip
    min_value = IntegerField(_l("Smallest number, or fewest ticks (multiple choice)"),
                             validators=[Optional()])  # fmt: skip
    max_value = IntegerField(_l("Largest number, or most ticks (multiple choice)"),
                             validators=[Optional()])  # fmt: skip
    options = TextAreaField(_l("Options, one per line (single and multiple choice)"),
                            validators=[Length(max=40_000)])  # fmt: skip
    shown_if_id = SelectField(_l("Show this question"), default="")
    shown_if_answers = CheckboxListField(_l("Only when the answer is one of"))


class FixedFieldsForm(OrganiserForm):
    organisation_field = SelectField(_l("Organisation"), choices=FIELD_USE_CHOICES)
    job_title_field = SelectField(_l("Job title"), choices=FIELD_USE_CHOICES)
    country_field = SelectField(_l("Country"), choices=FIELD_USE_CHOICES)


class CopyQuestionsForm(OrganiserForm):
    source = SelectField(_l("Copy the questions of"), coerce=int,
                         validators=[DataRequired(_l("Choose a talk."))])  # fmt: skip


def question_form(event: Event, question: Question | None = None, **kwargs) -> QuestionForm:
    """Return the question form, its condition choices the earlier questions' answers."""
    form = QuestionForm(**kwargs)
    sources = [other for other in earlier_questions(event, question)
               if other.kind in CONDITION_KINDS]  # fmt: skip
    form.shown_if_id.choices = [SelectChoice("", _("Always"))] + [
        SelectChoice(str(other.id), _("When “%(label)s” is answered", label=other.label))
        for other in sources
    ]
    form.shown_if_answers.choices = [
        SelectChoice(f"{other.id}:{value}", text)
        for other in sources for value, text in condition_answers(other)
    ]
    # The template groups the answers under their question.
    form.condition_sources = [(f"{other.id}:", other.label) for other in sources]
    return form


def question_form_data(question: Question) -> dict:
    """Return the question form's initial data for an existing question."""
    return {
        "kind": question.kind, "label": question.label, "help_text": question.help_text,
        "required": question.required, "sensitive": question.sensitive,
        "max_length": question.max_length, "min_value": question.min_value,
        "max_value": question.max_value,
        "options": "\n".join(option.text for option in question.options),
        "shown_if_id": str(question.shown_if_id or ""),
        "shown_if_answers": [f"{question.shown_if_id}:{a}" for a in question.shown_if_answers],
    }  # fmt: skip


def question_data(form: QuestionForm, kind: str) -> QuestionData:
    """Return what the submitted question form says, of this kind."""
    return QuestionData(
        kind=kind, label=form.label.data or "", help_text=form.help_text.data or "",
        required=form.required.data, sensitive=form.sensitive.data,
        max_length=form.max_length.data, min_value=form.min_value.data,
        max_value=form.max_value.data, options=form.options.data or "",
        shown_if_id=int(form.shown_if_id.data) if form.shown_if_id.data else None,
        shown_if_answers=list(form.shown_if_answers.data or []),
    )  # fmt: skip


def copy_form(sources: list[Event], **kwargs) -> CopyQuestionsForm:
    """Return the copy form offering these talks."""
    form = CopyQuestionsForm(**kwargs)
    form.source.choices = [SelectChoice(talk.id, f"{talk.title} ({talk.starts_at:%d %B %Y})")
                           for talk in sources]  # fmt: skip
    return form
