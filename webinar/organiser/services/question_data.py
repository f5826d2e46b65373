"""A registration question as submitted, and the rules it must meet before it is saved."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from ...languages import lazy_gettext as _l
from ...models import CHOICE_KINDS, CONDITION_KINDS, NO, YES, Event, Question, QuestionKind

TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})
# The longest answer a text question may allow, and the most options a choice may offer.
LONGEST_ANSWER = 10_000
MOST_OPTIONS = 100
OPTION_LENGTH = 300
KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.AGREEMENT: _l("“I agree” statement"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.DATE: _l("Date"),
    QuestionKind.COUNTRY: _l("Country"),
    QuestionKind.URL: _l("Web address"),
}
ANSWERED = (_l("People have answered this question already, so its type cannot change. "
            "Add a new question instead."))  # fmt: skip


class QuestionError(ValueError):
    """A change to the questions that cannot be made; the message says why."""


class QuestionInvalid(QuestionError):
    """Question data that breaks rules: errors maps each field's name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


@dataclass(frozen=True)
class QuestionData:
    """A question as submitted, in plain values named like the question form's fields.

    shown_if_answers are "<question id>:<answer>", the answer an option id or yes/no.
    """

    kind: str
    label: str
    help_text: str = ""
    required: bool = False
    sensitive: bool = False
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    options: str = ""
    shown_if_id: int | None = None
    shown_if_answers: list[str] = field(default_factory=list)


@dataclass
class CheckedQuestion:
    """What a valid QuestionData comes to: the option texts and the condition."""

    options: list[str]
    shown_if: Question | None
    shown_if_answers: list[str]


def earlier_questions(event: Event, question: Question | None) -> list[Question]:
    """Return the questions before this one (all of them for a new one), in order."""
    if question is None:
        return list(event.questions)
    return [other for other in event.questions if other.position < question.position]


def condition_answers(question: Question) -> list[tuple[str, str]]:
    """Return the (value, text) answers a question offers to a condition."""
    if question.kind == QuestionKind.YES_NO:
        return [(YES, _("Yes")), (NO, "No")]
    return [(str(option.id), option.text) for option in question.options]


def condition_in_words(question: Question) -> str:
    """Say when a question is shown: "Always", or the earlier question and its answers."""
    if question.shown_if is None:
        return _("Always")
    texts = dict(condition_answers(question.shown_if))
    answers = " or ".join(f"“{texts[a]}”" for a in question.shown_if_answers if a in texts)
    return f"When “{question.shown_if.label}” is answered {answers}"


def check(data: QuestionData, event: Event, question: Question | None) -> CheckedQuestion:
    """Return the checked question, or raise QuestionInvalid naming each field at fault."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    kind = data.kind
    if kind not in QuestionKind.__members__.values():
        refuse("kind", _("Choose the type of question."))
    if not data.label.strip():
        refuse("label", _("Enter the question.")
               if kind != QuestionKind.AGREEMENT else _("Enter the statement to agree to."))
    options = _options(data.options, refuse) if kind in CHOICE_KINDS else []
    if kind in TEXT_KINDS and data.max_length is not None \
            and not 1 <= data.max_length <= LONGEST_ANSWER:  # fmt: skip
        refuse("max_length", _(
            "Enter a length between 1 and %(longest_answer)s characters.",
            longest_answer=f"{LONGEST_ANSWER:,}"
        ))
    if kind == QuestionKind.NUMBER and None not in (data.min_value, data.max_value) \
            and data.min_value > data.max_value:  # fmt: skip
        refuse("max_value", _("The largest number must not be smaller than the smallest."))
    if kind == QuestionKind.MULTIPLE_CHOICE and "options" not in errors:
        _check_ticks(data, len(options), refuse)
    shown_if, answers = _condition(data, event, question, refuse)
    if errors:
        raise QuestionInvalid(errors)
    return CheckedQuestion(options, shown_if, answers)


def _options(text: str, refuse) -> list[str]:
    """Return the option lines, trimmed, blank lines left out; refuse bad ones."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        refuse("options", _("Enter at least two options, one per line."))
    if len(lines) > MOST_OPTIONS:
        refuse("options", _("Offer at most %(MOST_OPTIONS)s options.", MOST_OPTIONS=MOST_OPTIONS))
    if any(len(line) > OPTION_LENGTH for line in lines):
        refuse("options", _(
            "Keep each option to %(option_length)s characters at most.",
            option_length=OPTION_LENGTH
        ))
    seen: set[str] = set()
    for line in lines:
        if line.casefold() in seen:
            refuse("options", _(
                "“%(line)s” is there twice: give each option once.",
                line=line[:80]
            ))
            break
        seen.add(line.casefold())
    return lines


def _check_ticks(data: QuestionData, count: int, refuse) -> None:
    fewest, most = data.min_value, data.max_value
    if fewest is not None and not 0 <= fewest <= count:
        refuse("min_value", _(
            "The fewest ticks must be between 0 and %(count)s, the number of options.",
            count=count
        ))  # fmt: skip
    if most is not None and not 1 <= most <= count:
        refuse("max_value", _(
            "The most ticks must be between 1 and %(count)s, the number of options.",
            count=count
        ))  # fmt: skip
    if None not in (fewest, most) and fewest > most:
        refuse("max_value", _("The most ticks must not be fewer than the fewest."))


def _condition(
    data: QuestionData, event: Event, question: Question | None, refuse
) -> tuple[Question | None, list[str]]:
    """Return the question this one depends on and the answers that show it."""
    if data.shown_if_id is None:
        return None, []
    earlier = {other.id: other for other in earlier_questions(event, question)}
    shown_if = earlier.get(data.shown_if_id)
    if shown_if is None:
        refuse("shown_if_id", _("Choose a question that comes before this one."))
        return None, []
    if shown_if.kind not in CONDITION_KINDS:
        refuse("shown_if_id", _("Choose a single choice, multiple choice or yes or no question."))
        return None, []
    offered = {value for value, _text in condition_answers(shown_if)}
    answers = []
    for ticked in data.shown_if_answers:
        question_id, _colon, answer = ticked.partition(":")
        if question_id != str(shown_if.id) or answer not in offered:
            refuse("shown_if_answers", _("Tick only answers of the question chosen above."))
            return None, []
        if answer not in answers:
            answers.append(answer)
    if not answers:
        refuse("shown_if_answers", _(
            "Tick the answers to “%(label)s” that show this question.",
            label=shown_if.label[:80]
        ))  # fmt: skip
    return shown_if, answers
