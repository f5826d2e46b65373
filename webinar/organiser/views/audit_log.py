"""The audit log pages: a talk's log for those who manage it, the whole log for administrators."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ...forms import SiteForm
from ...languages import lazy_gettext as _l
from ...models.audit import ACTION_LABELS
from ...paging import page_number
from .. import bp
from ..queries.access import Permission, get_event_or_404
from ..queries.audit_log import LogFilter, log_page, people_choices, talk_choices


def choices(nothing_chosen: str, pairs) -> list[SelectChoice]:
    """Return (value, label) pairs as a select's choices, after one that chooses nothing."""
    return [SelectChoice("", nothing_chosen),
            *(SelectChoice(str(value), label) for value, label in pairs)]  # fmt: skip


class ActionFilterForm(SiteForm):
    """The log's filters as a GET form: a value that is not a choice is ignored."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=choices(_l("Every action"), ACTION_LABELS.items()))

    def chosen(self, name: str) -> str:
        """Return a filter's value, or "" when none was chosen."""
        return self[name].data or ""


class LogFilterForm(ActionFilterForm):
    person = SelectField(_l("Person"), choices=[])
    talk = SelectField(_l("Talk"), choices=[])


def filters_from(form: ActionFilterForm, **fixed) -> LogFilter:
    """Read the filters a form was given, ignoring values that are not among its choices."""
    form.validate()
    # A value that is not a choice is dropped, not shown as an error: no filter instead.
    for field in form:
        if field.errors:
            field.data, field.errors = "", []
    values = {"action": form.chosen("action"), **fixed}
    if isinstance(form, LogFilterForm):
        values["actor_id"] = int(form.chosen("person")) if form.chosen("person") else None
        values["event_id"] = int(form.chosen("talk")) if form.chosen("talk") else None
    return LogFilter(page=page_number(request.args) or 1, **values)


def query_args(form: ActionFilterForm, page: int) -> dict[str, str | int]:
    """Return the filters in use, and a page number, as URL arguments for the page links."""
    args = {name: form.chosen(name) for name in ("action", "person", "talk") if name in form}
    return {name: value for name, value in {**args, "page": page}.items() if value}


@bp.get("/events/<int:event_id>/log")
def event_log(event_id: int):
    """Show what organisers did to one talk, newest first, 50 a page."""
    event = get_event_or_404(current_user, event_id, Permission.SEE_LOG)
    form = ActionFilterForm(formdata=request.args)
    return render_log(form, filters_from(form, event_id=event.id), event)


@bp.get("/log")
def whole_log():
    """Show what every organiser did, filtered by person, talk and action; administrators only."""
    if not current_user.is_admin:
        abort(403)
    form = LogFilterForm(formdata=request.args)
    form.person.choices = choices(_("Everyone"), people_choices())
    form.talk.choices = choices(_("Every talk"), talk_choices())
    return render_log(form, filters_from(form), None)


def render_log(form, filters, event):
    """Render a page of the log (a talk's, or the whole one when event is None)."""
    return render_template(
        "organiser/log.html",
        event=event,
        form=form,
        filters=filters,
        page=log_page(filters),
        page_args=lambda number: query_args(form, number),
        labels=ACTION_LABELS,
        here=url_for(request.endpoint, **request.view_args),
    )
