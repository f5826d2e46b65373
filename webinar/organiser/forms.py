"""Forms of the organiser area, and how the event form is filled from a talk and read back."""

import dataclasses
from datetime import date, datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

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

from ..forms import SiteForm
from ..models import Event
from .services.talk_data import TalkData

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Fields a "new talk in this series" starts from.
COPIED_FIELDS = ("series", "event_type", "target_audience", "topics", "description",
                 "organised_by", "timezone")  # fmt: skip
# The event's own fields the form shows as they are.
EVENT_FIELDS = ("title", "slug", "series", "event_type", "target_audience", "organised_by",
                "summary", "description", "timezone", "location", "join_url", "capacity",
                "waitlist_enabled", "recording_url", "post_summary", "reminder_24h",
                "reminder_1h", "banner_alt")  # fmt: skip
# The TalkData fields read from the event form's fields of the same name.
TALK_FIELDS = tuple(
    item.name for item in dataclasses.fields(TalkData) if item.name not in ("banner", "refused")
)
AUDIENCE_LABELS = {
    "confirmed": "People with a seat",
    "waitlisted": "People on the waiting list",
    "active": "Everyone registered (seats and waiting list)",
}


class OrganiserForm(SiteForm):
    """A form of the organiser area.

    Its text reaches calendar files, email subjects and headings, where a line
    break would end the line (or the header) early: SiteForm refuses it.
    """


class HttpUrl:
    """Accept only an absolute http or https URL with a host."""

    def __init__(self, message: str = "Enter an address starting with http:// or https://."):
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
        raise StopValidation(f"Capacity can be at most {MAX_CAPACITY:,}.")


class LoginForm(OrganiserForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class ForgotPasswordForm(OrganiserForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email."), Length(max=254)])


class NewPasswordForm(OrganiserForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password.")],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Enter the new password a second time."),
            EqualTo("password", "The two passwords are not the same."),
        ],
    )


class InvitationForm(OrganiserForm):
    email = EmailField("Email", validators=[DataRequired("Enter the email address of the person."),
                                            Length(max=254)])
    name = StringField("Name", validators=[Length(max=200)])


class AcceptInvitationForm(NewPasswordForm):
    name = StringField("Your name", validators=[DataRequired("Enter your name."),
                                                Length(max=200)])


class CodeForm(OrganiserForm):
    """A code from an authenticator app, or a recovery code."""

    code = StringField("Code", validators=[DataRequired("Enter the code."), Length(max=40)])


class TurnOffTwoFactorForm(CodeForm):
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class CurrentPasswordForm(OrganiserForm):
    """A change to the account that needs the current password (new recovery codes)."""

    password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )


class NameForm(OrganiserForm):
    name = StringField("Name", validators=[DataRequired("Enter your name."), Length(max=200)])


class EmailChangeForm(CurrentPasswordForm):
    email = EmailField(
        "New email", validators=[DataRequired("Enter the new address."), Length(max=254)]
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def timezone_choices() -> list[tuple[str, str]]:
    """Return the IANA time zone names, sorted, as select options."""
    return [(name, name) for name in sorted(available_timezones())]


class EventForm(OrganiserForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=200)])
    slug = StringField(
        "Address (slug)",
        validators=[
            Optional(),
            Length(max=200),
            Regexp(SLUG_PATTERN, message="Use lowercase letters a-z, digits and single hyphens."),
        ],
    )
    series = StringField("Series", validators=[Length(max=120)])
    event_type = StringField("Event type", validators=[Length(max=80)])
    target_audience = StringField("Target audience", validators=[Length(max=300)])
    organised_by = StringField("Organised by", validators=[Length(max=300)])
    summary = TextAreaField("Summary", validators=[Length(max=2000)])
    description = TextAreaField("Description (Markdown)")
    timezone = SelectField("Time zone", default="Europe/Brussels")
    starts_on = DateField("Date", validators=[DataRequired("Enter the date.")])
    starts_time = TimeField("Starts at", validators=[DataRequired("Enter the start time.")])
    ends_on = DateField("End date", validators=[DataRequired("Enter the end date.")])
    ends_time = TimeField("Ends at", validators=[DataRequired("Enter the end time.")])
    location = StringField("Location", default="Virtual Event", validators=[Length(max=120)])
    join_url = StringField(
        "Join link (private)", validators=[Optional(), Length(max=500), HttpUrl(
            "Enter the join link starting with http:// or https://.")]
    )
    capacity = IntegerField(
        "Capacity",
        validators=[
            Optional(),
            at_most_max_capacity,
            NumberRange(min=1, message="Capacity must be at least 1."),
        ],
    )
    waitlist_enabled = BooleanField("Waiting list when full")
    registration_opens_on = DateField("Registration opens (date)", validators=[Optional()])
    registration_opens_time = TimeField("Registration opens (time)", validators=[Optional()])
    registration_closes_on = DateField("Registration closes (date)", validators=[Optional()])
    registration_closes_time = TimeField("Registration closes (time)", validators=[Optional()])
    recording_url = StringField(
        "Recording link", validators=[Optional(), Length(max=500), HttpUrl(
            "Enter the recording link starting with http:// or https://.")]
    )
    post_summary = TextAreaField("Summary after the event (Markdown)")
    topics = CheckboxListField("Topics", coerce=int, validate_choice=False)
    new_topics = StringField("New topics", validators=[Length(max=500)])
    reminder_24h = BooleanField("Reminder email 24 hours before", default=True)
    reminder_1h = BooleanField("Reminder email 1 hour before", default=True)
    banner = FileField("Banner image")
    remove_banner = BooleanField("Remove the current banner")
    banner_alt = StringField("Banner description (alt text)", validators=[Length(max=300)])
    save = SubmitField("Save")
    preview = SubmitField("Preview description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class SpeakerForm(OrganiserForm):
    name = StringField("Name", validators=[DataRequired("Enter the speaker's name."),
                                           Length(max=200)])
    role = StringField("Role", validators=[Length(max=200)])
    organisation = StringField("Organisation", validators=[Length(max=200)])


class SlidesForm(OrganiserForm):
    title = StringField("Title", validators=[DataRequired("Enter a title for the slides."),
                                             Length(max=200)])
    file = FileField("PDF file")


class LinkForm(OrganiserForm):
    title = StringField("Title", validators=[DataRequired("Enter a title for the link."),
                                             Length(max=200)])
    url = StringField("Address", validators=[DataRequired("Enter the link's address."),
                                             Length(max=500), HttpUrl(
        "Enter an address starting with http:// or https://.")])


class AnnouncementForm(OrganiserForm):
    audience = RadioField(
        "Send to", default="confirmed",
        choices=[SelectChoice(value, label) for value, label in AUDIENCE_LABELS.items()],
        validators=[DataRequired(message="Choose who receives the message.")],
    )  # fmt: skip
    subject = StringField(
        "Subject",
        validators=[
            DataRequired(message="Write a subject."),
            Length(max=200, message="Keep the subject under 200 characters."),
        ],
    )
    body = TextAreaField(
        "Message",
        validators=[
            DataRequired(message="Write the message."),
            Length(max=20_000, message="Keep the message under 20,000 characters."),
        ],
    )
    preview = SubmitField("Preview")
    send = SubmitField("Send")


TEAM_ROLE_CHOICES = [SelectChoice("editor", "Editor"), SelectChoice("viewer", "Viewer")]


class TeamRoleForm(OrganiserForm):
    role = SelectField("Role", choices=TEAM_ROLE_CHOICES, default="editor")


class AddMemberForm(TeamRoleForm):
    email = EmailField("Email of their organiser account",
                       validators=[DataRequired("Enter their email."), Length(max=254)])


class TransferForm(OrganiserForm):
    email = EmailField("Email of the new owner's organiser account",
                       validators=[DataRequired("Enter their email."), Length(max=254)])


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
        "Name", validators=[DataRequired("Give the token a name."), Length(max=100)]
    )
    scopes = CheckboxListField(
        "What it may do",
        choices=[SelectChoice("read", "Read talks, registrations and figures"),
                 SelectChoice("write", "Register people, cancel registrations, record attendance")],
        validators=[DataRequired("Choose what the token may do.")],
    )  # fmt: skip
    talks = CheckboxListField("Talks", coerce=int, validate_choice=False)
