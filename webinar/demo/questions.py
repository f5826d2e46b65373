"""The registration questions of the upcoming demo talks: the kinds organisers ask most.

The texts are written for this project; the technology areas are the three
groups of the Strategic Technologies for Europe Platform.
"""

from __future__ import annotations

from ..extensions import db
from ..models import Event, Question, QuestionKind, QuestionOption

OTHER_AREA = "Another area"
# Each question: its columns, "options" for a choice, and "shown_if" = (the index of an
# earlier question, the option texts that show it).
QUESTIONS = [
    {
        "kind": QuestionKind.SINGLE_CHOICE,
        "label": "Which technology area is your cluster or organisation active in?",
        "help_text": "Pick the area closest to most of your members' work.",
        "required": True,
        "options": ["Deep and digital technologies", "Clean technologies", "Biotechnologies",
                    OTHER_AREA, "I do not work with a cluster"],  # fmt: skip
    },
    {
        "kind": QuestionKind.SHORT_TEXT,
        "label": "Which area is that?",
        "max_length": 200,
        "shown_if": (0, [OTHER_AREA]),
    },
    {
        "kind": QuestionKind.YES_NO,
        "label": "Have you joined one of our online talks before?",
    },
    {
        "kind": QuestionKind.LONG_TEXT,
        "label": "Questions for the speakers",
        "help_text": "The speakers see them before the talk and answer as many as time allows.",
        "max_length": 2000,
    },
    {
        "kind": QuestionKind.AGREEMENT,
        "label": "I agree that the talk is recorded and that the recording is published "
                 "afterwards.",  # fmt: skip
        "required": True,
    },
]
COLUMNS = ("kind", "label", "help_text", "required", "max_length")


def add_demo_questions(event: Event) -> None:
    """Give a demo talk its questions; flush, so that the condition can name an option's id."""
    questions = []
    for position, spec in enumerate(QUESTIONS):
        question = Question(position=position,
                            **{name: spec[name] for name in COLUMNS if name in spec})  # fmt: skip
        question.options = [QuestionOption(text=text, position=number)
                            for number, text in enumerate(spec.get("options", ()))]  # fmt: skip
        event.questions.append(question)
        questions.append(question)
    db.session.flush()
    for question, spec in zip(questions, QUESTIONS, strict=True):
        if "shown_if" in spec:
            index, texts = spec["shown_if"]
            question.shown_if = questions[index]
            question.shown_if_answers = [str(option.id) for option in questions[index].options
                                         if option.text in texts]  # fmt: skip
