"""The data model: events and their parts, organisers, registrations, the outbox."""

from .event import Event, Material, Speaker, Topic
from .lifecycle import ANNOUNCEMENT_AUDIENCES, Announcement, TaskRun
from .organiser import Organiser, OrganiserSession
from .outbox import ONCE_PER_REGISTRATION, OUTBOX_STATUSES, OutboxEmail, Queued
from .registration import REGISTRATION_STATUSES, Registration
from .types import UTCDateTime, utcnow

__all__ = [
    "ANNOUNCEMENT_AUDIENCES",
    "ONCE_PER_REGISTRATION",
    "OUTBOX_STATUSES",
    "REGISTRATION_STATUSES",
    "Announcement",
    "Event",
    "Material",
    "Organiser",
    "OrganiserSession",
    "OutboxEmail",
    "Queued",
    "Registration",
    "Speaker",
    "TaskRun",
    "Topic",
    "UTCDateTime",
    "utcnow",
]
