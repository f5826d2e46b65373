"""A talk's registration questions: add, change, reorder, remove and copy them, one commit each.

An answer keeps the question's label and option text as they were (its
foreign keys go to NULL when they are removed), so none of these changes
alters what an earlier answer says. Each change leaves one entry in the log.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ... import audit
from ...extensions import db
from ...models import (
    CHOICE_KINDS,
    Answer,
    AuditAction,
    Event,
    FieldUse,
    Question,
    QuestionKind,
    QuestionOption,
)
from .question_data import ANSWERED, CheckedQuestion, QuestionData, QuestionError, check

# The fixed fields of the registration form a talk may ask or not.
FIXED_FIELDS = ("organisation_field", "job_title_field", "country_field")
# The columns of a question that a copy takes as they are.
COPIED_COLUMNS = ("kind", "label", "help_text", "required", "sensitive", "max_length",
                  "min_value", "max_value", "translations")  # fmt: skip


def renumber(event: Event) -> list[Question]:
    """Give the event's questions positions 0, 1, 2, ... in their current order."""
    questions = sorted(event.questions, key=lambda question: (question.position, question.id))
    for position, question in enumerate(questions):
        question.position = position
    return questions


def has_answers(question: Question) -> bool:
    """Say whether anyone answered the question."""
    return db.session.scalar(db.select(db.exists().where(Answer.question_id == question.id)))


def dependants(question: Question) -> list[Question]:
    """Return the questions shown only for an answer to this one."""
    return db.session.scalars(db.select(Question).where(Question.shown_if_id == question.id)
                              .order_by(Question.position)).all()  # fmt: skip


def add_question(event: Event, data: QuestionData) -> Question:
    """Add a question at the end of the talk's form; commit."""
    checked = check(data, event, None)
    question = Question(position=len(renumber(event)), kind=data.kind)
    _fill(question, data, checked)
    event.questions.append(question)
    audit.record(AuditAction.QUESTION_ADDED, event=event, details=question.label)
    db.session.commit()
    return question


def update_question(event: Event, question: Question, data: QuestionData) -> None:
    """Change a question; commit. Its type changes only while nobody answered it."""
    checked = check(data, event, question)
    try:
        if data.kind != question.kind:
            if has_answers(question):
                raise QuestionError(ANSWERED)
            _refuse_if_conditions_break(question, data.kind)
            question.kind = data.kind
        _fill(question, data, checked)
    except QuestionError:
        db.session.rollback()
        raise
    audit.record(AuditAction.QUESTION_CHANGED, event=event, details=question.label)
    db.session.commit()


def _refuse_if_conditions_break(question: Question, kind: str) -> None:
    """Refuse a type whose answers no longer fit the conditions of later questions."""
    same_answers = {question.kind, kind} <= CHOICE_KINDS
    later = dependants(question)
    if later and not same_answers:
        raise QuestionError(_(
            "“%(later)s” is shown only for an answer to this question, so its type cannot change. "
            "Change that question's condition first.",
            later=later[0].label
        ))  # fmt: skip


def _fill(question: Question, data: QuestionData, checked: CheckedQuestion) -> None:
    kind = question.kind
    question.label = data.label.strip()
    question.help_text = (data.help_text or "").strip()
    # An agreement is a statement the person must accept: it is always required.
    question.required = data.required or kind == QuestionKind.AGREEMENT
    question.sensitive = data.sensitive
    text = kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
    ranged = kind in (QuestionKind.NUMBER, QuestionKind.MULTIPLE_CHOICE)
    question.max_length = data.max_length if text else None
    question.min_value = data.min_value if ranged else None
    question.max_value = data.max_value if ranged else None
    _set_options(question, checked.options)
    question.shown_if = checked.shown_if
    question.shown_if_id = checked.shown_if.id if checked.shown_if else None
    question.shown_if_answers = checked.shown_if_answers


def _set_options(question: Question, texts: list[str]) -> None:
    """Make the options these texts, keeping the row of each text unchanged.

    A kept row keeps its id, so the filters and conditions that name it still
    work; a removed row goes, and its old answers keep their own copy of the text.
    """
    kept = {option.text: option for option in question.options}
    if question.id is not None:
        _refuse_removing_used_options(question, set(kept) - set(texts))
    options = []
    for position, text in enumerate(texts):
        option = kept.get(text) or QuestionOption(text=text)
        option.position = position
        options.append(option)
    question.options = options


def _refuse_removing_used_options(question: Question, removed: set[str]) -> None:
    ids = {str(option.id): option.text for option in question.options if option.text in removed}
    for later in dependants(question):
        used = [ids[answer] for answer in later.shown_if_answers if answer in ids]
        if used:
            raise QuestionError(_(
                "“%(label)s” is shown only when “%(used)s” is chosen, so that option cannot be "
                "removed. Change that question's condition first.",
                label=later.label, used=used[0]
            ))  # fmt: skip


def remove_question(event: Event, question: Question) -> list[Question]:
    """Remove a question, its options and the conditions on it; commit; return those shown now.

    Its answers stay, with the label and option texts they were given with.
    """
    # Its answers take whether it is sensitive now: it may have been marked so after they came.
    db.session.execute(
        db.update(Answer).where(Answer.question_id == question.id)
        .values(question_sensitive=question.sensitive)
        .execution_options(synchronize_session=False)
    )
    freed = dependants(question)
    for later in freed:
        later.shown_if, later.shown_if_id, later.shown_if_answers = None, None, []
    event.questions.remove(question)
    renumber(event)
    audit.record(AuditAction.QUESTION_REMOVED, event=event, details=question.label)
    db.session.commit()
    return freed


def shift_question(event: Event, question: Question, up: bool) -> None:
    """Move a question one place up or down; commit. A question stays after its condition's."""
    questions = renumber(event)
    other = question.position + (-1 if up else 1)
    if not 0 <= other < len(questions):
        return
    first, second = sorted((question, questions[other]), key=lambda q: q.position)
    if second.shown_if_id == first.id:
        db.session.rollback()
        raise QuestionError(_(
            "“%(label)s” is shown only for an answer to “%(label2)s”, so it must come after it. "
            "Change its condition first to move it higher.",
            label=second.label, label2=first.label
        ))  # fmt: skip
    questions[other].position, question.position = question.position, other
    audit.record(AuditAction.QUESTION_MOVED, event=event,
                 details=f"{question.label} to place {other + 1}")  # fmt: skip
    db.session.commit()


def set_fixed_fields(event: Event, uses: dict[str, str]) -> bool:
    """Set whether the form asks organisation, job title and country; commit; say if changed."""
    changes = [f"{name.removesuffix('_field')} {getattr(event, name)} -> {FieldUse(uses[name])}"
               for name in FIXED_FIELDS if getattr(event, name) != uses[name]]  # fmt: skip
    if not changes:
        return False
    for name in FIXED_FIELDS:
        setattr(event, name, FieldUse(uses[name]).value)
    audit.record(AuditAction.FORM_FIELDS_CHANGED, event=event, details=", ".join(changes))
    db.session.commit()
    return True


def copy_questions_into(target: Event, source: Event) -> int:
    """Append copies of source's questions to target's, conditions pointing at the copies.

    Adds to the session without committing; return how many were copied.
    """
    start = len(renumber(target))
    copies: dict[int, Question] = {}
    options: dict[str, str] = {}  # old option id -> new, filled after the flush
    for offset, original in enumerate(source.questions):
        copy = Question(position=start + offset,
                        **{name: getattr(original, name) for name in COPIED_COLUMNS})  # fmt: skip
        copy.options = [
            QuestionOption(text=o.text, position=o.position, translations=o.translations)
            for o in original.options
        ]
        target.questions.append(copy)
        copies[original.id] = copy
    db.session.flush()
    for original in source.questions:
        for old, new in zip(original.options, copies[original.id].options, strict=True):
            options[str(old.id)] = str(new.id)
    for original in source.questions:
        if original.shown_if_id in copies:
            copy = copies[original.id]
            copy.shown_if = copies[original.shown_if_id]
            copy.shown_if_answers = [options.get(a, a) for a in original.shown_if_answers]
    return len(copies)


def copy_questions(target: Event, source: Event) -> int:
    """Copy another talk's questions to the end of this one's; commit; return how many."""
    if source.id == target.id:
        raise QuestionError(_("Choose another talk to copy the questions from."))
    copied = copy_questions_into(target, source)
    audit.record(AuditAction.QUESTIONS_COPIED, event=target,
                 details=f"{copied} from talk {source.id}: {source.title}")  # fmt: skip
    db.session.commit()
    return copied


def copy_form_settings(target: Event, source: Event) -> None:
    """Give a new talk the questions, fixed-field settings and languages of its source.

    The source's own texts in other languages are not copied: a new talk has
    a new title and description.
    """
    target.language, target.other_languages = source.language, list(source.other_languages or ())
    for name in FIXED_FIELDS:
        setattr(target, name, getattr(source, name))
    copy_questions_into(target, source)

