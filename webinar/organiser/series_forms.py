"""Forms of the series pages, and how the series form is read back."""

from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..languages import lazy_gettext as _l
from .forms import SLUG_PATTERN, OrganiserForm, at_most_max_capacity
from .services.series import SeriesData

SERIES_FIELDS = ("name", "slug", "description", "language", "banner_alt", "organised_by",
                 "event_type", "target_audience", "capacity", "waitlist_enabled",
                 "reminder_24h", "reminder_1h")  # fmt: skip
ROLE_CHOICES = [SelectChoice("owner", _l("Owner")), SelectChoice("editor", _l("Editor")),
                SelectChoice("viewer", _l("Viewer"))]  # fmt: skip


class SeriesForm(OrganiserForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the series' name.")),
                                               Length(max=120)])  # fmt: skip
    slug = StringField(_l("Address (slug)"), validators=[
        Optional(), Length(max=80),
        Regexp(SLUG_PATTERN, message=_l("Use lowercase letters a-z, digits and single hyphens.")),
    ])  # fmt: skip
    description = TextAreaField(_l("Short description"), validators=[Length(max=2000)])
    language = StringField(_l("Language"), default="en", validators=[
        DataRequired(_l("Enter a language code, such as en.")), Length(max=10),
        Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
               message=_l("Enter a language code such as en, fr or pt-BR.")),
    ])  # fmt: skip
    banner = FileField(_l("Banner image"))
    remove_banner = BooleanField(_l("Remove the current banner"))
    banner_alt = StringField(_l("Banner description (alt text)"), validators=[Length(max=300)])
    organised_by = StringField(_l("Organised by"), validators=[Length(max=300)])
    event_type = StringField(_l("Event type"), validators=[Length(max=80)])
    target_audience = StringField(_l("Target audience"), validators=[Length(max=300)])
    capacity = IntegerField(_l("Capacity"), validators=[
        Optional(), at_most_max_capacity,
        NumberRange(min=1, message=_l("Capacity must be at least 1.")),
    ])  # fmt: skip
    waitlist_enabled = BooleanField(_l("Waiting list when full"))
    reminder_24h = BooleanField(_l("Reminder email 24 hours before"), default=True)
    reminder_1h = BooleanField(_l("Reminder email 1 hour before"), default=True)


class SeriesRoleForm(OrganiserForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="editor")


class SeriesMemberForm(SeriesRoleForm):
    email = EmailField(_l("Email of their organiser account"),
                       validators=[DataRequired(_l("Enter their email.")), Length(max=254)])


class DeleteSeriesForm(OrganiserForm):
    detach = BooleanField(_l("Detach its talks: each keeps the series' name as plain text"))


def series_form_data(series) -> dict:
    """Return the series form's initial data for an existing series."""
    return {name: getattr(series, name) for name in SERIES_FIELDS}


def series_data(form: SeriesForm) -> SeriesData:
    """Return what the submitted series form says, naming the fields it refused."""
    upload = form.banner.data if getattr(form.banner.data, "filename", "") else None
    return SeriesData(
        **{name: form[name].data for name in SERIES_FIELDS},
        banner=upload,
        remove_banner=form.remove_banner.data,
        refused=frozenset(field.name for field in form if field.errors),
    )
