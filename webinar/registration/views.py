"""Views of registration (placeholder until the registration flow lands)."""

from flask import render_template

from ..extensions import db
from ..models import Event
from . import bp


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
def register(slug: str):
    """Register an attendee for an event."""
    event = db.one_or_404(db.select(Event).where(Event.slug == slug, Event.status != "draft"))
    return render_template("registration/placeholder.html", event=event)


@bp.get("/privacy")
def privacy():
    """Show the privacy notice."""
    return render_template("registration/placeholder.html", event=None)
