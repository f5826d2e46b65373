"""The organiser's series pages: the list, creating and editing a series, its team, deleting it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...models import Series
from .. import bp
from ..queries.access import Permission, get_series_or_404, roles_on
from ..queries.followers import follower_counts
from ..queries.series import series_list, series_team, talks_of
from ..series_forms import (
    DeleteSeriesForm,
    SeriesForm,
    SeriesMemberForm,
    SeriesRoleForm,
    series_data,
    series_form_data,
)
from ..services import series as services
from ..services.series import SeriesError, SeriesInvalid


@bp.get("/series")
def series_index():
    """List the series the organiser has a role on."""
    return render_template("organiser/series_list.html", rows=series_list(current_user))


@bp.get("/series/<int:series_id>")
def series(series_id: int):
    """Show a series: its details, its talks and its team."""
    return render_series(get_series_or_404(current_user, series_id, Permission.SEE))


def render_series(series: Series, form: SeriesMemberForm | None = None):
    """Show a series' overview, with the form to add someone to its team."""
    talks = talks_of(series)
    # Read the organiser's roles on all the talks at once: the page links those they may see.
    roles_on(current_user, talks)
    return render_template(
        "organiser/series.html", series=series, talks=talks,
        members=series_team(series), form=form or SeriesMemberForm(), role_form=SeriesRoleForm(),
        follower_count=follower_counts(series).following,
    )  # fmt: skip


def render_series_form(form: SeriesForm, series: Series | None):
    return render_template("organiser/series_form.html", form=form, series=series)


def save_series(form: SeriesForm, series: Series | None):
    """Create or change a series from the submitted form, or show the form with its errors."""
    form.validate()
    try:
        if series is None:
            series = services.create_series(current_user, series_data(form))
            flash(_("The series “%(name)s” is created.", name=series.name), "success")
        else:
            services.update_series(series, series_data(form))
            flash(_("Your changes are saved."), "success")
    except SeriesInvalid as invalid:
        for name, messages in invalid.errors.items():
            form[name].errors = [*form[name].errors, *messages]
        return render_series_form(form, series)
    return redirect(url_for("organiser.series", series_id=series.id), 303)


@bp.route("/series/new", methods=["GET", "POST"])
def new_series():
    """Create a series; its creator becomes its owner."""
    form = SeriesForm()
    if request.method == "POST":
        return save_series(form, None)
    return render_series_form(form, None)


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
def edit_series(series_id: int):
    """Change a series' name, address, description, banner and defaults for new talks."""
    series = get_series_or_404(current_user, series_id, Permission.EDIT)
    if request.method == "POST":
        return save_series(SeriesForm(), series)
    return render_series_form(SeriesForm(data=series_form_data(series)), series)


def back_to_series(series: Series):
    return redirect(url_for("organiser.series", series_id=series.id), 303)


@bp.post("/series/<int:series_id>/team")
def add_series_member(series_id: int):
    """Give an organiser a role on the series."""
    series = get_series_or_404(current_user, series_id, Permission.MANAGE_TEAM)
    form = SeriesMemberForm()
    if form.validate_on_submit():
        try:
            organiser, role = services.add_member(series, form.email.data, form.role.data)
        except SeriesError as error:
            form.email.errors.append(str(error))
        else:
            flash(services.now_role_message(organiser.name, role), "success")
            return back_to_series(series)
    return render_series(series, form)


@bp.post("/series/<int:series_id>/team/<int:member_id>/role")
def change_series_role(series_id: int, member_id: int):
    """Give a member of the series' team another role."""
    series = get_series_or_404(current_user, series_id, Permission.MANAGE_TEAM)
    form = SeriesRoleForm()
    chosen = form.role.data if form.validate_on_submit() else ""  # "" is refused with a message
    try:
        organiser, role = services.change_role(series, member_id, chosen)
    except SeriesError as error:
        flash(str(error), "warning")
    else:
        flash(services.now_role_message(organiser.name, role), "success")
    return back_to_series(series)


@bp.post("/series/<int:series_id>/team/<int:member_id>/remove")
def remove_series_member(series_id: int, member_id: int):
    """Take someone off the series' team."""
    series = get_series_or_404(current_user, series_id, Permission.MANAGE_TEAM)
    try:
        organiser = services.remove_member(series, member_id)
    except SeriesError as error:
        flash(str(error), "warning")
    else:
        flash(_("%(name)s is no longer on this series' team.", name=organiser.name), "success")
    return back_to_series(series)


@bp.route("/series/<int:series_id>/delete", methods=["GET", "POST"])
def delete_series(series_id: int):
    """Delete a series, after a page that says what happens to its talks."""
    series = get_series_or_404(current_user, series_id, Permission.DELETE)
    form = DeleteSeriesForm()
    talk_count = services.talk_count(series)
    if form.validate_on_submit():
        name = series.name
        try:
            detached = services.delete_series(series, detach=form.detach.data)
        except SeriesError as error:
            form.detach.errors.append(str(error))
        else:
            if detached:
                message = ngettext(
                    "The series “%(name)s” is deleted. Its %(num)d talk shows its name as "
                    "plain text.",
                    "The series “%(name)s” is deleted. Its %(num)d talks show its name as "
                    "plain text.",
                    detached, name=name,
                )  # fmt: skip
            else:
                message = _("The series “%(name)s” is deleted.", name=name)
            flash(message, "success")
            return redirect(url_for("organiser.series_index"), 303)
    return render_template("organiser/series_delete.html", series=series, form=form,
                           talk_count=talk_count)  # fmt: skip
