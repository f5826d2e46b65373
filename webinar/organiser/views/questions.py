"""The Questions page of a talk: its registration questions, the fixed fields it asks, copying."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import bp
from ..queries.access import Permission, get_event_or_404
from ..queries.questions import answer_counts, get_question_or_404, talks_to_copy_from
from ..question_forms import (
    FixedFieldsForm,
    QuestionForm,
    copy_form,
    question_data,
    question_form,
    question_form_data,
)
from ..services import questions as service
from ..services.question_data import (
    KIND_LABELS,
    QuestionError,
    QuestionInvalid,
    condition_in_words,
)


def render_questions(event, form=None, fields_form=None, copying=None):
    """Show the Questions page, with the form sent back with its errors, if any."""
    if copying is None:
        copying = copy_form(talks_to_copy_from(current_user, event))
    return render_template(
        "organiser/questions.html", event=event, counts=answer_counts(event),
        form=question_form(event) if form is None else form,
        fields_form=FixedFieldsForm(obj=event) if fields_form is None else fields_form,
        copy_form=copying, kind_labels=KIND_LABELS, condition_in_words=condition_in_words,
    )


def show_errors(form: QuestionForm, error: QuestionError) -> None:
    """Put the messages of a refused question on the form's fields (the type's on kind)."""
    errors = error.errors if isinstance(error, QuestionInvalid) else {"kind": [str(error)]}
    for name, messages in errors.items():
        form[name].errors = [*form[name].errors, *messages]


@bp.route("/events/<int:event_id>/questions", methods=["GET", "POST"])
def questions(event_id: int):
    """List a talk's registration questions and add one."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    form = question_form(event)
    if request.method == "POST":
        form.validate()
        if not form.errors:
            try:
                question = service.add_question(event, question_data(form, form.kind.data))
            except QuestionError as error:
                show_errors(form, error)
            else:
                flash(_("“%(label)s” is added.", label=question.label), "success")
                return redirect(url_for("organiser.questions", event_id=event.id))
    return render_questions(event, form=form)


@bp.route("/events/<int:event_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(event_id: int, question_id: int):
    """Edit a registration question."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    question = get_question_or_404(event, question_id)
    if request.method == "GET":
        form = question_form(event, question, data=question_form_data(question))
    else:
        form = question_form(event, question)
        form.validate()
        if not form.errors:
            try:
                service.update_question(event, question, question_data(form, form.kind.data))
            except QuestionError as error:
                show_errors(form, error)
            else:
                flash(_("The question is saved."), "success")
                return redirect(url_for("organiser.questions", event_id=event.id))
    answered = answer_counts(event).get(question.id, 0)
    return render_template("organiser/question_form.html", event=event, question=question,
                           form=form, answered=answered)  # fmt: skip


@bp.post("/events/<int:event_id>/questions/<int:question_id>/delete")
def delete_question(event_id: int, question_id: int):
    """Remove a registration question; the answers given keep their text."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    question = get_question_or_404(event, question_id)
    label = question.label
    freed = service.remove_question(event, question)
    flash(_("“%(label)s” is removed. Answers people gave to it stay readable.", label=label),
          "success")  # fmt: skip
    for later in freed:
        flash(_("“%(label)s” was shown only for an answer to it: it is now always shown.",
                label=later.label),
              "warning")  # fmt: skip
    return redirect(url_for("organiser.questions", event_id=event.id))


@bp.post("/events/<int:event_id>/questions/<int:question_id>/move")
def move_question(event_id: int, question_id: int):
    """Move a registration question one place up or down."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    question = get_question_or_404(event, question_id)
    try:
        service.shift_question(event, question, up=request.form.get("direction") == "up")
    except QuestionError as error:
        flash(str(error), "warning")
    return redirect(url_for("organiser.questions", event_id=event.id))


@bp.post("/events/<int:event_id>/questions/fields")
def question_fields(event_id: int):
    """Set whether the registration form asks for organisation, job title and country."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    form = FixedFieldsForm()
    if not form.validate():
        return render_questions(event, fields_form=form)
    uses = {name: form[name].data for name in service.FIXED_FIELDS}
    changed = service.set_fixed_fields(event, uses)
    flash(_("The form's fields are saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("organiser.questions", event_id=event.id))


@bp.post("/events/<int:event_id>/questions/copy")
def copy_questions(event_id: int):
    """Copy the questions of another of the organiser's talks to the end of this one's."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    sources = talks_to_copy_from(current_user, event)
    form = copy_form(sources)
    if not form.validate():
        return render_questions(event, copying=form)
    source = next(talk for talk in sources if talk.id == form.source.data)
    copied = service.copy_questions(event, source)
    flash(ngettext("%(num)d question copied from “%(title)s”.",
                   "%(num)d questions copied from “%(title)s”.", copied, title=source.title),
          "success")  # fmt: skip
    return redirect(url_for("organiser.questions", event_id=event.id))
