"""API: the talks a token may see, one talk in full, and its figures."""

from __future__ import annotations

from ..extensions import db
from ..models import Event, utcnow
from ..organiser.queries.figures import (
    figures_for,
    registrations_per_day,
    top_referrer_domains,
    top_sources,
)
from .auth import get_talk_or_404, resource_blueprint, visible_talks
from .paging import page_by_change
from .schemas import FiguresSchema, TalkDetailSchema, TalkListArgs, TalkPage

blp = resource_blueprint("api_talks", "Talks the token's organiser has a role on.")


@blp.route("/talks")
@blp.arguments(TalkListArgs, location="query")
@blp.response(200, TalkPage)
def list_talks(args: dict):
    """List talks, in order of their last change."""
    query = db.select(Event).where(visible_talks())
    if "status" in args:
        query = query.where(Event.status == args["status"])
    if "when" in args:
        now = utcnow()
        upcoming = args["when"] == "upcoming"
        query = query.where(Event.ends_at >= now if upcoming else Event.ends_at < now)
    return page_by_change(query, Event, args)


@blp.route("/talks/<int:talk_id>")
@blp.response(200, TalkDetailSchema)
def get_talk(talk_id: int):
    """Show one talk with its speakers, materials, questions and counts."""
    event = get_talk_or_404(talk_id)
    event.counts = figures_for([event.id])[event.id]
    return event


@blp.route("/talks/<int:talk_id>/figures")
@blp.response(200, FiguresSchema)
def get_figures(talk_id: int):
    """Count a talk's registrations per day (in the talk's time zone) and per source."""
    event = get_talk_or_404(talk_id)
    return {
        "counts": figures_for([event.id])[event.id],
        "per_day": [{"day": day, "registrations": n} for day, n in registrations_per_day(event)],
        "per_source": [{"source": s, "registrations": n} for s, n in top_sources(event)],
        "per_referrer": [{"source": s, "registrations": n} for s, n in top_referrer_domains(event)],
    }
