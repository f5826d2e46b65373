"""Messages from organisers to registrants: the follow-up after a talk, and announcements."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ... import lifecycle, notifications
from ...forms import SiteForm
from .. import bp
from ..forms import AUDIENCE_LABELS, AnnouncementForm
from ..language_forms import announcement_form_class, announcement_translations, half_written
from ..queries.access import Permission, get_event_or_404
from ..queries.talks import announcements_of


@bp.route("/events/<int:event_id>/follow-up", methods=["GET", "POST"])
def follow_up(event_id: int):
    """Preview the follow-up of an ended talk, then send it to everyone who had a seat."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    missing = lifecycle.follow_up_missing(event)
    if request.method == "POST" and missing is None and SiteForm().validate_on_submit():
        sent = notifications.enqueue_follow_up(event)
        if sent:
            flash(
                ngettext("The follow-up is on its way to %(num)d person.",
                         "The follow-up is on its way to %(num)d people.", sent),
                "success",
            )  # fmt: skip
        else:
            flash(
                _("Everyone with a seat already has the follow-up or unsubscribed: none was sent."),
                "warning",
            )
        return redirect(url_for("organiser.follow_up", event_id=event.id), code=303)
    return render_template(
        "organiser/followup.html",
        event=event,
        missing=missing,
        previews=lifecycle.preview_follow_up(event) if missing is None else None,
        counts=lifecycle.follow_up_counts(event),
    )


@bp.route("/events/<int:event_id>/announce", methods=["GET", "POST"])
def announce(event_id: int):
    """Write a message to the registrants of a talk, preview it, and send it."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    form = announcement_form_class(event, AnnouncementForm)()
    preview = None
    if form.validate_on_submit():
        audience, subject, body = form.audience.data, form.subject.data.strip(), form.body.data
        half = half_written(event, form)
        for code in half:
            form[f"body_{code}"].errors.append(
                _("Write both the subject and the message in this language, or neither."))
        if form.send.data and not half:
            if lifecycle.audience_count(event, audience) == 0:
                form.audience.errors.append(_("Nobody is in this audience: choose another one."))
            else:
                sent = notifications.enqueue_announcement(
                    event, audience, subject, body, current_user.id,
                    announcement_translations(event, form),
                )  # fmt: skip
                flash(
                    ngettext("The message is on its way to %(num)d person.",
                             "The message is on its way to %(num)d people.", sent.recipients),
                    "success",
                )  # fmt: skip
                return redirect(url_for("organiser.announce", event_id=event.id), code=303)
        elif not form.send.data:
            preview = lifecycle.preview_announcement(event, audience, subject, body)
    counts = {key: lifecycle.audience_count(event, key) for key in AUDIENCE_LABELS}
    return render_template(
        "organiser/announce.html",
        event=event,
        form=form,
        preview=preview,
        sent=announcements_of(event),
        counts=counts,
        labels=AUDIENCE_LABELS,
    )
