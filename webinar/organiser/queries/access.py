"""Who may manage which event: owners, co-organisers and administrators."""

from flask_login import current_user
from sqlalchemy import Select

from ...extensions import db
from ...models import Event
from ...models.event import event_co_organiser


def managed_events() -> Select:
    """Return a query of the events the signed-in organiser may see and change."""
    query = db.select(Event)
    if current_user.is_admin:
        return query
    co_organised = db.select(event_co_organiser.c.event_id).where(
        event_co_organiser.c.organiser_id == current_user.id
    )
    return query.where((Event.owner_id == current_user.id) | Event.id.in_(co_organised))


def get_managed_event_or_404(event_id: int) -> Event:
    """Return the event if the signed-in organiser may manage it; otherwise answer 404."""
    return db.one_or_404(managed_events().where(Event.id == event_id))
