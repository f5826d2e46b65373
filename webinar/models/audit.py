"""The audit log: who among the organisers did what, and when (GDPR Art. 5(2) accountability).

An entry names the organiser and, for an action on one person, the
registration's id only: never an attendee's name or address, so the log can
outlive the retention purge. The organiser's email is copied into the entry,
so it still says who acted after their account is gone.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..languages import lazy_gettext as _l
from .event import Event
from .organiser import Organiser
from .types import UTCDateTime, utcnow

DETAILS_LENGTH = 300


class AuditAction(StrEnum):
    """What an organiser did; stored as its text in a String column."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    TALK_PUBLISHED = "talk_published"
    TALK_UNPUBLISHED = "talk_unpublished"
    TALK_CANCELLED = "talk_cancelled"
    CAPACITY_CHANGED = "capacity_changed"
    TIME_CHANGED = "time_changed"
    ANNOUNCEMENT_SENT = "announcement_sent"
    FOLLOW_UP_SENT = "follow_up_sent"
    ATTENDEES_EXPORTED = "attendees_exported"
    REGISTRATION_CANCELLED = "registration_cancelled"
    REGISTRATION_PROMOTED = "registration_promoted"
    CONFIRMATION_RESENT = "confirmation_resent"
    REGISTRATION_ERASED = "registration_erased"
    NAME_CHANGED = "name_changed"
    EMAIL_CHANGE_REQUESTED = "email_change_requested"
    EMAIL_CHANGE_CANCELLED = "email_change_cancelled"
    EMAIL_CHANGED = "email_changed"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    TWO_FACTOR_ON = "two_factor_on"
    TWO_FACTOR_OFF = "two_factor_off"
    RECOVERY_CODES_REPLACED = "recovery_codes_replaced"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
    INVITATION_SENT = "invitation_sent"
    INVITATION_RESENT = "invitation_resent"
    INVITATION_REVOKED = "invitation_revoked"
    INVITATION_ACCEPTED = "invitation_accepted"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    ADMIN_GRANTED = "admin_granted"
    ADMIN_REMOVED = "admin_removed"
    ROLE_GIVEN = "role_given"
    ROLE_CHANGED = "role_changed"
    ROLE_REMOVED = "role_removed"
    OWNERSHIP_TRANSFERRED = "ownership_transferred"
    TALK_DELETED = "talk_deleted"
    QUESTION_ADDED = "question_added"
    QUESTION_CHANGED = "question_changed"
    QUESTION_MOVED = "question_moved"
    QUESTION_REMOVED = "question_removed"
    QUESTIONS_COPIED = "questions_copied"
    FORM_FIELDS_CHANGED = "form_fields_changed"
    SERIES_CREATED = "series_created"
    SERIES_CHANGED = "series_changed"
    SERIES_DELETED = "series_deleted"
    SERIES_ROLE_GIVEN = "series_role_given"
    SERIES_ROLE_CHANGED = "series_role_changed"
    SERIES_ROLE_REMOVED = "series_role_removed"
    FOLLOWERS_EXPORTED = "followers_exported"
    WEBHOOK_ADDED = "webhook_added"
    WEBHOOK_CHANGED = "webhook_changed"
    WEBHOOK_DELETED = "webhook_deleted"
    WEBHOOK_SECRET_ROTATED = "webhook_secret_rotated"
    WEBHOOK_RESENT = "webhook_resent"
    WEBHOOK_TEST_SENT = "webhook_test_sent"
    REGISTRATION_ADDED = "registration_added"
    ATTENDANCE_RECORDED = "attendance_recorded"
    API_TOKEN_CREATED = "api_token_created"
    API_TOKEN_REVOKED = "api_token_revoked"
    TALK_LANGUAGES_CHANGED = "talk_languages_changed"
    TALK_TRANSLATED = "talk_translated"
    LANGUAGE_CHANGED = "language_changed"

    @property
    def label(self) -> str:
        """Return the action as the log page shows it."""
        return ACTION_LABELS[self]


ACTION_LABELS = {
    AuditAction.SIGN_IN: _l("Signed in"),
    AuditAction.SIGN_IN_FAILED: _l("Sign-in failed"),
    AuditAction.TALK_PUBLISHED: _l("Published the talk"),
    AuditAction.TALK_UNPUBLISHED: _l("Took the talk back to draft"),
    AuditAction.TALK_CANCELLED: _l("Cancelled the talk"),
    AuditAction.CAPACITY_CHANGED: _l("Changed the capacity"),
    AuditAction.TIME_CHANGED: _l("Changed the time"),
    AuditAction.ANNOUNCEMENT_SENT: _l("Sent an announcement"),
    AuditAction.FOLLOW_UP_SENT: _l("Sent the follow-up"),
    AuditAction.ATTENDEES_EXPORTED: _l("Downloaded the attendee list"),
    AuditAction.REGISTRATION_CANCELLED: _l("Cancelled a registration"),
    AuditAction.REGISTRATION_PROMOTED: _l("Gave a seat from the waiting list"),
    AuditAction.CONFIRMATION_RESENT: _l("Resent a confirmation"),
    AuditAction.REGISTRATION_ERASED: _l("Erased a person's details"),
    AuditAction.NAME_CHANGED: _l("Changed their name"),
    AuditAction.EMAIL_CHANGE_REQUESTED: _l("Asked to change their email"),
    AuditAction.EMAIL_CHANGE_CANCELLED: _l("Cancelled a change of their email"),
    AuditAction.EMAIL_CHANGED: _l("Changed their email"),
    AuditAction.PASSWORD_CHANGED: _l("Changed their password"),
    AuditAction.PASSWORD_RESET: _l("Chose a new password through an emailed link"),
    AuditAction.TWO_FACTOR_ON: _l("Turned two-factor sign-in on"),
    AuditAction.TWO_FACTOR_OFF: _l("Turned two-factor sign-in off"),
    AuditAction.RECOVERY_CODES_REPLACED: _l("Made new recovery codes"),
    AuditAction.SIGNED_OUT_EVERYWHERE: _l("Signed out on every browser"),
    AuditAction.INVITATION_SENT: _l("Invited an organiser"),
    AuditAction.INVITATION_RESENT: _l("Resent an invitation"),
    AuditAction.INVITATION_REVOKED: _l("Revoked an invitation"),
    AuditAction.INVITATION_ACCEPTED: _l("Accepted an invitation"),
    AuditAction.ACCOUNT_DEACTIVATED: _l("Deactivated an account"),
    AuditAction.ACCOUNT_REACTIVATED: _l("Reactivated an account"),
    AuditAction.ADMIN_GRANTED: _l("Made an organiser an administrator"),
    AuditAction.ADMIN_REMOVED: _l("Removed an administrator"),
    AuditAction.ROLE_GIVEN: _l("Gave someone a role on the talk"),
    AuditAction.ROLE_CHANGED: _l("Changed someone's role on the talk"),
    AuditAction.ROLE_REMOVED: _l("Removed someone from the talk's team"),
    AuditAction.OWNERSHIP_TRANSFERRED: _l("Transferred the talk's ownership"),
    AuditAction.TALK_DELETED: _l("Deleted the talk"),
    AuditAction.QUESTION_ADDED: _l("Added a registration question"),
    AuditAction.QUESTION_CHANGED: _l("Changed a registration question"),
    AuditAction.QUESTION_MOVED: _l("Moved a registration question"),
    AuditAction.QUESTION_REMOVED: _l("Removed a registration question"),
    AuditAction.QUESTIONS_COPIED: _l("Copied registration questions from another talk"),
    AuditAction.FORM_FIELDS_CHANGED: _l("Changed which details the registration form asks"),
    AuditAction.SERIES_CREATED: _l("Created a series"),
    AuditAction.SERIES_CHANGED: _l("Changed a series"),
    AuditAction.SERIES_DELETED: _l("Deleted a series"),
    AuditAction.SERIES_ROLE_GIVEN: _l("Gave someone a role on a series"),
    AuditAction.SERIES_ROLE_CHANGED: _l("Changed someone's role on a series"),
    AuditAction.SERIES_ROLE_REMOVED: _l("Removed someone from a series' team"),
    AuditAction.FOLLOWERS_EXPORTED: _l("Downloaded the followers of a series"),
    AuditAction.REGISTRATION_ADDED: _l("Registered someone through the API"),
    AuditAction.ATTENDANCE_RECORDED: _l("Recorded a person's attendance"),
    AuditAction.API_TOKEN_CREATED: _l("Created an API token"),
    AuditAction.API_TOKEN_REVOKED: _l("Revoked an API token"),
    AuditAction.TALK_LANGUAGES_CHANGED: _l("Changed the talk's languages"),
    AuditAction.TALK_TRANSLATED: _l("Changed the talk's texts in another language"),
    AuditAction.LANGUAGE_CHANGED: _l("Changed their language"),
    AuditAction.WEBHOOK_ADDED: _l("Added a webhook endpoint"),
    AuditAction.WEBHOOK_CHANGED: _l("Changed a webhook endpoint"),
    AuditAction.WEBHOOK_DELETED: _l("Deleted a webhook endpoint"),
    AuditAction.WEBHOOK_SECRET_ROTATED: _l("Made a new webhook secret"),
    AuditAction.WEBHOOK_RESENT: _l("Sent a webhook again"),
    AuditAction.WEBHOOK_TEST_SENT: _l("Sent a test webhook"),
}


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL")
    )
    # Kept as text so the entry still names the organiser after the account is deleted.
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    # No foreign key: the id stays meaningful after the registration is erased or deleted.
    registration_id: Mapped[int | None]
    details: Mapped[str] = mapped_column(String(DETAILS_LENGTH), default="")

    actor: Mapped[Organiser | None] = relationship()
    event: Mapped[Event | None] = relationship()

    __table_args__ = (
        # A talk's log and a person's log, newest first, read in index order.
        Index("ix_audit_entry_event_at", "event_id", "at"),
        Index("ix_audit_entry_actor_at", "actor_id", "at"),
    )

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} by {self.actor_email or 'nobody'}>"
