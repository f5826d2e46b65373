"""Forms of the organiser area, and how the event form is filled from a talk and read back."""

import dataclasses
from datetime import date, datetime, time
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..dates import zone_names
from ..forms import ManyOptionsSelect, SiteForm
from ..languages import lazy_gettext as _l
from ..models import Event
from .services.talk_data import TalkData

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Fields a "new talk in this series" starts from.
COPIED_FIELDS = ("series_id", "series_label", "event_type", "target_audience", "topics",
                 "description", "organised_by", "timezone")  # fmt: skip
# The event's own fields the form shows as they are.
EVENT_FIELDS = ("title", "slug", "series_id", "series_label", "event_type", "target_audience",
                "organised_by", "summary", "description", "timezone", "location", "join_url",
                "capacity", "waitlist_enabled", "recording_url", "post_summary", "reminder_24h",
                "reminder_1h", "banner_alt")  # fmt: skip
# The TalkData fields read from the event form's fields of the same name.
TALK_FIELDS = tuple(
    item.name for item in dataclasses.fields(TalkData) if item.name not in ("banner", "refused")
)
AUDIENCE_LABELS = {
    "confirmed": _l("People with a seat"),
    "waitlisted": _l("People on the waiting list"),
    "active": _l("Everyone registered (seats and waiting list)"),
}


class OrganiserForm(SiteForm):
    """A form of the organiser area.

    Its text reaches calendar files, email subjects and headings, where a line
    break would end the line (or the header) early: SiteForm refuses it.
    """


class HttpUrl:
    """Accept only an absolute http or https URL with a host."""

    def __init__(self, message: str = _("Enter an address starting with http:// or https://.")):
        self.message = message

    def __call__(self, form, field):
        value = (field.data or "").strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
            raise ValidationError(self.message)
        field.data = value


MAX_CAPACITY = 1_000_000


def at_most_max_capacity(_form, field) -> None:
    """Stop a number too large for the database (or for NumberRange's float check)."""
    if field.data is not None and abs(field.data) > MAX_CAPACITY:
        raise StopValidation(_("Capacity can be at most %(most)s.", most=f"{MAX_CAPACITY:,}"))


class LoginForm(OrganiserForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(_l("Enter your email.")), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class ForgotPasswordForm(OrganiserForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(_l("Enter your email.")), Length(max=254)]
    )


class NewPasswordForm(OrganiserForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password."))],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password a second time.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class InvitationForm(OrganiserForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter the email address of the person.")), Length(max=254)],
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")),
                                                Length(max=200)])


class CodeForm(OrganiserForm):
    """A code from an authenticator app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), Length(max=40)])


class TurnOffTwoFactorForm(CodeForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class CurrentPasswordForm(OrganiserForm):
    """A change to the account that needs the current password (new recovery codes)."""

    password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )


class NameForm(OrganiserForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)]
    )


class EmailChangeForm(CurrentPasswordForm):
    email = EmailField(
        _l("New email"), validators=[DataRequired(_l("Enter the new address.")), Length(max=254)]
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@cache
def timezone_choices() -> tuple[tuple[str, str], ...]:
    """Return the IANA time zone names, sorted, as select options (read from disk once)."""
    return tuple((name, name) for name in sorted(zone_names()))


class EventForm(OrganiserForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)]
    )
    slug = StringField(
        _l("Address (slug)"),
        validators=[
            Optional(),
            Length(max=200),
            Regexp(
                SLUG_PATTERN, message=_l("Use lowercase letters a-z, digits and single hyphens.")
            ),
        ],
    )
    # Choices: the series the organiser may put talks in, and the talk's own (see the editor).
    series_id = SelectField(_l("Series"), coerce=lambda value: int(value) if value else None)
    series_label = StringField(_l("Series name on this talk"), validators=[Length(max=120)])
    event_type = StringField(_l("Event type"), validators=[Length(max=80)])
    target_audience = StringField(_l("Target audience"), validators=[Length(max=300)])
    organised_by = StringField(_l("Organised by"), validators=[Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    description = TextAreaField(_l("Description (Markdown)"))
    timezone = SelectField(_l("Time zone"), default="Europe/Brussels", widget=ManyOptionsSelect())
    starts_on = DateField(_l("Date"), validators=[DataRequired(_l("Enter the date."))])
    starts_time = TimeField(_l("Starts at"), validators=[DataRequired(_l("Enter the start time."))])
    ends_on = DateField(_l("End date"), validators=[DataRequired(_l("Enter the end date."))])
    ends_time = TimeField(_l("Ends at"), validators=[DataRequired(_l("Enter the end time."))])
    location = StringField(_l("Location"), default="Virtual Event", validators=[Length(max=120)])
    join_url = StringField(
        _l("Join link (private)"), validators=[Optional(), Length(max=500), HttpUrl(
            _l("Enter the join link starting with http:// or https://."))]
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            Optional(),
            at_most_max_capacity,
            NumberRange(min=1, message=_l("Capacity must be at least 1.")),
        ],
    )
    waitlist_enabled = BooleanField(_l("Waiting list when full"))
    registration_opens_on = DateField(_l("Registration opens (date)"), validators=[Optional()])
    registration_opens_time = TimeField(_l("Registration opens (time)"), validators=[Optional()])
    registration_closes_on = DateField(_l("Registration closes (date)"), validators=[Optional()])
    registration_closes_time = TimeField(_l("Registration closes (time)"), validators=[Optional()])
    recording_url = StringField(
        _l("Recording link"), validators=[Optional(), Length(max=500), HttpUrl(
            _l("Enter the recording link starting with http:// or https://."))]
    )
    post_summary = TextAreaField(_l("Summary after the event (Markdown)"))
    topics = CheckboxListField(_l("Topics"), coerce=int, validate_choice=False)
    new_topics = StringField(_l("New topics"), validators=[Length(max=500)])
    reminder_24h = BooleanField(_l("Reminder email 24 hours before"), default=True)
    reminder_1h = BooleanField(_l("Reminder email 1 hour before"), default=True)
    banner = FileField(_l("Banner image"))
    remove_banner = BooleanField(_l("Remove the current banner"))
    banner_alt = StringField(_l("Banner description (alt text)"), validators=[Length(max=300)])
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview description"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class SpeakerForm(OrganiserForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the speaker's name.")),
                                           Length(max=200)])
    role = StringField(_l("Role"), validators=[Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])


class SlidesForm(OrganiserForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title for the slides.")),
                                             Length(max=200)])
    file = FileField(_l("PDF file"))


class LinkForm(OrganiserForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title for the link.")),
                                             Length(max=200)])
    url = StringField(_l("Address"), validators=[DataRequired(_l("Enter the link's address.")),
                                             Length(max=500), HttpUrl(
        _l("Enter an address starting with http:// or https://."))])


class AnnouncementForm(OrganiserForm):
    audience = RadioField(
        _l("Send to"), default="confirmed",
        choices=[SelectChoice(value, label) for value, label in AUDIENCE_LABELS.items()],
        validators=[DataRequired(message=_l("Choose who receives the message."))],
    )  # fmt: skip
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(message=_l("Write a subject.")),
            Length(max=200, message=_l("Keep the subject under 200 characters.")),
        ],
    )
    body = TextAreaField(
        _l("Message"),
        validators=[
            DataRequired(message=_l("Write the message.")),
            Length(max=20_000, message=_l("Keep the message under 20,000 characters.")),
        ],
    )
    preview = SubmitField(_l("Preview"))
    send = SubmitField(_l("Send"))


TEAM_ROLE_CHOICES = [SelectChoice("editor", _l("Editor")), SelectChoice("viewer", _l("Viewer"))]


class TeamRoleForm(OrganiserForm):
    role = SelectField(_l("Role"), choices=TEAM_ROLE_CHOICES, default="editor")


class AddMemberForm(TeamRoleForm):
    email = EmailField(_l("Email of their organiser account"),
                       validators=[DataRequired(_l("Enter their email.")), Length(max=254)])


class TransferForm(OrganiserForm):
    email = EmailField(_l("Email of the new owner's organiser account"),
                       validators=[DataRequired(_l("Enter their email.")), Length(max=254)])


def _local_parts(moment: datetime | None, zone: ZoneInfo) -> tuple[date | None, time | None]:
    if moment is None:
        return None, None
    local = moment.astimezone(zone)
    return local.date(), local.time().replace(tzinfo=None)


def event_form_data(event: Event) -> dict:
    """Return the event form's initial data for an existing event."""
    data = {name: getattr(event, name) for name in EVENT_FIELDS}
    zone = event.zone
    for prefix, moment in (
        ("starts", event.starts_at),
        ("ends", event.ends_at),
        ("registration_opens", event.registration_opens_at),
        ("registration_closes", event.registration_closes_at),
    ):
        data[f"{prefix}_on"], data[f"{prefix}_time"] = _local_parts(moment, zone)
    data["topics"] = [topic.id for topic in event.topics]
    return data


def copied_form_data(source: Event) -> dict:
    """Return the initial data of a new talk in the same series as source."""
    data = {name: getattr(source, name) for name in COPIED_FIELDS if name != "topics"}
    data["topics"] = [topic.id for topic in source.topics]
    return data


def talk_data(form: EventForm) -> TalkData:
    """Return what the submitted event form says, naming the fields it refused."""
    upload = form.banner.data if getattr(form.banner.data, "filename", "") else None
    return TalkData(
        **{name: form[name].data for name in TALK_FIELDS},
        banner=upload,
        refused=frozenset(field.name for field in form if field.errors),
    )


class ApiTokenForm(OrganiserForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the token a name.")), Length(max=100)]
    )
    scopes = CheckboxListField(
        _l("What it may do"),
        choices=[SelectChoice("read", _l("Read talks, registrations and figures")),
                 SelectChoice("write",
                              _l("Register people, cancel registrations, record attendance"))],
        validators=[DataRequired(_l("Choose what the token may do."))],
    )  # fmt: skip
    talks = CheckboxListField(_l("Talks"), coerce=int, validate_choice=False)
