"""Views of the public event pages."""

from flask import render_template

from ..extensions import db
from ..models import Event
from . import bp


@bp.get("/")
def index():
    """List upcoming published talks, soonest first."""
    events = db.session.scalars(
        db.select(Event).where(Event.status == "published").order_by(Event.starts_at)
    ).all()
    return render_template("events/index.html", events=events)


@bp.get("/events/<slug>")
def detail(slug: str):
    """Show one talk."""
    event = db.one_or_404(db.select(Event).where(Event.slug == slug, Event.status != "draft"))
    return render_template("events/detail.html", event=event)
