"""The organiser's dashboard: their events with registration and email figures."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import bp
from ..queries.access import Permission, get_event_or_404, roles_on
from ..queries.figures import figures_for
from ..queries.talks import dashboard_groups
from ..services import registrations


@bp.get("/")
def dashboard():
    """Show the organiser's events: upcoming, past and drafts."""
    groups = dashboard_groups(current_user)
    events = [event for events in groups.values() for event in events]
    roles_on(current_user, events)  # one query for the buttons of every row
    figures = figures_for([event.id for event in events])
    return render_template("organiser/dashboard.html", groups=groups, figures=figures)


@bp.post("/events/<int:event_id>/emails/retry")
def retry_failed_emails(event_id: int):
    """Put an event's failed emails back in the queue."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    queued = registrations.retry_failed_emails(event)
    if queued:
        flash(ngettext("%(num)d failed email is queued again for “%(title)s”.",
                       "%(num)d failed emails are queued again for “%(title)s”.",
                       queued, title=event.title), "success")  # fmt: skip
    else:
        flash(_("“%(title)s” has no failed emails.", title=event.title), "warning")
    return redirect(url_for("organiser.dashboard"))
