"""A talk's languages: which it is offered in, and a page of its texts per other language."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...languages import NAMES, languages
from ...talk_languages import offered_languages
from .. import bp
from ..language_forms import (
    TalkLanguagesForm,
    sections,
    submitted_texts,
    texts_data,
    texts_form_class,
)
from ..queries.access import Permission, get_event_or_404
from ..services import talk_languages


@bp.route("/events/<int:event_id>/languages", methods=["GET", "POST"])
def talk_languages_page(event_id: int):
    """Choose a talk's default language and the other languages it is offered in."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    form = TalkLanguagesForm(data={
        "language": event.language, "other_languages": list(event.other_languages or ()),
    })  # fmt: skip
    if form.validate_on_submit():
        try:
            talk_languages.set_languages(
                event, form.language.data, list(form.other_languages.data or ())
            )
        except talk_languages.LanguagesInvalid as invalid:
            form.language.errors = [*form.language.errors, str(invalid)]
        else:
            flash(_("The talk's languages are saved."), "success")
            return redirect(url_for("organiser.talk_languages_page", event_id=event.id))
    return render_template(
        "organiser/talk_languages.html",
        event=event,
        form=form,
    )


@bp.route("/events/<int:event_id>/languages/<code>", methods=["GET", "POST"])
def talk_texts(event_id: int, code: str):
    """Write a talk's texts in one of its other languages, section by section."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    if code not in languages():
        abort(404)
    if code == event.language:
        flash(_("This is the talk's default language: its texts are on the Edit page."), "info")
        return redirect(url_for("organiser.edit_event", event_id=event.id))
    form_class = texts_form_class(event, code)
    if request.method == "POST":
        form = form_class()
    else:
        form = form_class(data=texts_data(event, code))
    if form.validate_on_submit():
        talk_languages.save_texts(event, code, submitted_texts(event, form))
        flash(_("The texts in %(language)s are saved.", language=NAMES.get(code, code)), "success")
        return redirect(url_for("organiser.talk_texts", event_id=event.id, code=code))
    return render_template(
        "organiser/talk_texts.html",
        event=event,
        form=form,
        code=code,
        names=NAMES,
        sections=sections(event, form),
        offered=code in offered_languages(event),
    )
