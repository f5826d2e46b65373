"""A talk that asks one question of every kind, for the form's tests and the site tour."""

from __future__ import annotations


def every_kind(make_question, event, *, conditional: bool = False) -> dict:
    """Give a talk one question of every kind (all required but the long text); return ids.

    With `conditional`, a last question is shown only to those who answer "No"
    to the yes/no one.
    """
    ids = {
        "short": make_question(event, "short_text", "Your cluster", required=True, max_length=20,
                               help_text="As it is known abroad."),
        "long": make_question(event, "long_text", "Questions for the speakers"),
        "single": make_question(event, "single_choice", "Your sector", ("Health", "Energy"),
                                required=True),
        "multiple": make_question(event, "multiple_choice", "Topics", ("Funding", "Skills", "Data"),
                                  required=True, min_value=1, max_value=2,
                                  help_text="One or two."),
        "yes_no": make_question(event, "yes_no", "Is this your first talk of ours?",
                                required=True),
        "agreement": make_question(event, "agreement", "I agree to be recorded", required=True),
        "number": make_question(event, "number", "Members", required=True, min_value=1,
                                max_value=500),
        "date": make_question(event, "date", "Founded on", required=True),
        "country": make_question(event, "country", "Country of the cluster", required=True),
        "url": make_question(event, "url", "Cluster website", required=True),
    }
    if conditional:
        ids["earlier"] = make_question(
            event, "short_text", "Which of our talks did you attend?", required=True,
            shown_if_id=ids["yes_no"]["id"], shown_if_answers=["no"],
        )
    return ids
