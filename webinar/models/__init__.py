"""The data model: events and their parts, organisers, registrations, the outbox."""

from .api import ApiToken, IdempotentRequest, Scope
from .audit import AuditAction, AuditEntry
from .email_change import EmailChange
from .event import Event, EventStatus, Material, Speaker, Topic
from .follower import Follower, FollowerAnnouncement, SeriesMailing
from .invitation import Invitation
from .lifecycle import ANNOUNCEMENT_AUDIENCES, Announcement, TaskRun
from .organiser import Organiser, OrganiserSession, PasswordResetToken, RecoveryCode
from .outbox import ONCE_PER_REGISTRATION, OutboxEmail, OutboxStatus, Queued
from .question import (
    AGREED,
    CHOICE_KINDS,
    CONDITION_KINDS,
    NO,
    YES,
    Answer,
    FieldUse,
    Question,
    QuestionKind,
    QuestionOption,
)
from .registration import Registration, RegistrationStatus
from .series import Series, SeriesRole
from .team import EventRole, TalkRole
from .types import UTCDateTime, utcnow
from .webhook import (
    TEST_EVENT,
    WEBHOOK_EVENTS,
    WebhookDelivery,
    WebhookEndpoint,
    webhook_endpoint_talk,
)

__all__ = [
    "AGREED",
    "CHOICE_KINDS",
    "CONDITION_KINDS",
    "NO",
    "YES",
    "Answer",
    "FieldUse",
    "Question",
    "QuestionKind",
    "QuestionOption",
    "ANNOUNCEMENT_AUDIENCES",
    "ApiToken",
    "ONCE_PER_REGISTRATION",
    "Announcement",
    "AuditAction",
    "AuditEntry",
    "EmailChange",
    "Event",
    "Follower",
    "FollowerAnnouncement",
    "EventRole",
    "EventStatus",
    "IdempotentRequest",
    "Invitation",
    "Material",
    "Organiser",
    "OrganiserSession",
    "OutboxEmail",
    "OutboxStatus",
    "PasswordResetToken",
    "Queued",
    "RecoveryCode",
    "Registration",
    "RegistrationStatus",
    "Series",
    "SeriesMailing",
    "SeriesRole",
    "Scope",
    "Speaker",
    "TalkRole",
    "TaskRun",
    "Topic",
    "UTCDateTime",
    "TEST_EVENT",
    "WEBHOOK_EVENTS",
    "WebhookDelivery",
    "WebhookEndpoint",
    "webhook_endpoint_talk",
    "utcnow",
]
