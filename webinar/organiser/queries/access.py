"""Who may manage which event, and the parts of a managed event an action is about.

Today an organiser may do everything to the events they own or co-organise,
and an administrator to every event: managed_by() is that one rule, and every
page finds its event through it. Roles on a talk (owner, editor, viewer)
would change this module only.
"""

from sqlalchemy import ColumnElement, Select, true

from ...extensions import db
from ...models import Event, Material, Organiser, Registration, Speaker
from ...models.event import event_co_organiser


def managed_by(organiser: Organiser) -> ColumnElement[bool]:
    """Return the SQL condition on Event that holds when this organiser may manage it."""
    if organiser.is_admin:
        return true()
    co_organised = db.select(event_co_organiser.c.event_id).where(
        event_co_organiser.c.organiser_id == organiser.id
    )
    return (Event.owner_id == organiser.id) | Event.id.in_(co_organised)


def managed_events(organiser: Organiser) -> Select:
    """Return a query of the events this organiser may see and change."""
    return db.select(Event).where(managed_by(organiser))


def get_managed_event_or_404(organiser: Organiser, event_id: int) -> Event:
    """Return the event if this organiser may manage it; otherwise answer 404."""
    return db.one_or_404(managed_events(organiser).where(Event.id == event_id))


def get_registration_or_404(event: Event, registration_id: int) -> Registration:
    """Return a registration of this event, or answer 404."""
    return db.one_or_404(
        db.select(Registration).where(
            Registration.id == registration_id, Registration.event_id == event.id
        )
    )


def get_speaker_or_404(event: Event, speaker_id: int) -> Speaker:
    """Return a speaker of this event, or answer 404."""
    return db.one_or_404(
        db.select(Speaker).where(Speaker.id == speaker_id, Speaker.event_id == event.id)
    )


def get_material_or_404(event: Event, material_id: int) -> Material:
    """Return a material of this event, or answer 404."""
    return db.one_or_404(
        db.select(Material).where(Material.id == material_id, Material.event_id == event.id)
    )
