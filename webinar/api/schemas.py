"""What the API takes and answers, as marshmallow schemas; the OpenAPI document is made of them."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

import marshmallow as ma
from marshmallow import ValidationError, validate

from ..forms import FIRST_DATE, LAST_DATE
from ..models import WEBHOOK_EVENTS, EventStatus, RegistrationStatus

EARLIEST = datetime(FIRST_DATE.year, FIRST_DATE.month, FIRST_DATE.day, tzinfo=UTC)
LATEST = datetime(LAST_DATE.year, LAST_DATE.month, LAST_DATE.day, 23, 59, 59, tzinfo=UTC)
MOMENT_RANGE = f"Please send a time between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}."
MOST_PER_PAGE = 200


class Moment(ma.fields.AwareDateTime):
    """An ISO 8601 time with a zone (UTC when none), within the years the site can compute with."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=UTC, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise ValidationError(MOMENT_RANGE) from error
        if not EARLIEST <= moment <= LATEST:
            raise ValidationError(MOMENT_RANGE)
        return moment


class Cursor(ma.fields.String):
    """Where the previous page ended: opaque to the client, (time of change, id) to us."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        moment, row_id = value
        return base64.urlsafe_b64encode(f"{moment.isoformat()}|{row_id}".encode()).decode()

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment, _, row_id = base64.urlsafe_b64decode(text.encode()).decode().partition("|")
            position = (datetime.fromisoformat(moment).astimezone(UTC), int(row_id))
        except (binascii.Error, UnicodeError, ValueError, OverflowError) as error:
            raise ValidationError("This is not a cursor this API gave out.") from error
        if position[0].tzinfo is None or not 0 < position[1] < 2**31:
            raise ValidationError("This is not a cursor this API gave out.")
        return position


class PageArgs(ma.Schema):
    cursor = Cursor(metadata={"description": "The next_cursor of the previous page."})
    limit = ma.fields.Integer(
        load_default=50,
        validate=validate.Range(1, MOST_PER_PAGE),
        metadata={"description": f"How many items, at most {MOST_PER_PAGE}."},
    )
    updated_since = Moment(metadata={"description": "Only what changed at or after this time."})


class TalkListArgs(PageArgs):
    status = ma.fields.String(validate=validate.OneOf([s.value for s in EventStatus]))
    when = ma.fields.String(
        validate=validate.OneOf(["upcoming", "past"]),
        metadata={"description": "upcoming: not ended yet; past: ended."},
    )


class RegistrationListArgs(PageArgs):
    status = ma.fields.String(validate=validate.OneOf([s.value for s in RegistrationStatus]))


class Page(ma.Schema):
    next_cursor = Cursor(
        allow_none=True,
        metadata={"description": "Pass as cursor for the next page; null on the last page."},
    )


class SpeakerSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    role = ma.fields.String()
    organisation = ma.fields.String()


class MaterialSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    title = ma.fields.String()
    url = ma.fields.String(allow_none=True)


class OptionSchema(ma.Schema):
    id = ma.fields.Integer()
    text = ma.fields.String()


class QuestionSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    label = ma.fields.String()
    required = ma.fields.Boolean()
    sensitive = ma.fields.Boolean()
    options = ma.fields.List(ma.fields.Nested(OptionSchema))
    shown_if_question = ma.fields.Integer(attribute="shown_if_id", allow_none=True)
    shown_if_answers = ma.fields.List(ma.fields.String())


class CountsSchema(ma.Schema):
    confirmed = ma.fields.Integer()
    waitlisted = ma.fields.Integer()
    cancelled = ma.fields.Integer()
    joined = ma.fields.Integer(metadata={"description": "Followed their join link."})
    attended = ma.fields.Integer(metadata={"description": "Attendance recorded."})


class TalkSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    title = ma.fields.String()
    series = ma.fields.String(
        attribute="series_name", metadata={"description": "The series' name as the talk shows it."}
    )
    series_slug = ma.fields.Function(
        lambda talk: talk.series.slug if talk.series else None,
        metadata={"description": "The series' page is /series/<series_slug>."},
        allow_none=True,
    )
    summary = ma.fields.String()
    status = ma.fields.String()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    timezone = ma.fields.String()
    location = ma.fields.String()
    capacity = ma.fields.Integer(allow_none=True)
    seats_taken = ma.fields.Integer()
    waitlist_enabled = ma.fields.Boolean()
    registration_opens_at = ma.fields.AwareDateTime(allow_none=True)
    registration_closes_at = ma.fields.AwareDateTime(allow_none=True)
    registration_state = ma.fields.Method(
        "state", metadata={"description": "open, waitlist, full, closed, ..."}
    )
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()

    def state(self, event) -> str:
        return event.registration_state()


class TalkDetailSchema(TalkSchema):
    description = ma.fields.String(metadata={"description": "Markdown."})
    speakers = ma.fields.List(ma.fields.Nested(SpeakerSchema))
    materials = ma.fields.List(ma.fields.Nested(MaterialSchema))
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema))
    counts = ma.fields.Nested(CountsSchema)


class TalkPage(Page):
    items = ma.fields.List(ma.fields.Nested(TalkSchema))


class AnswerSchema(ma.Schema):
    question_id = ma.fields.Integer(allow_none=True)
    question = ma.fields.String(attribute="question_label")
    option_id = ma.fields.Integer(allow_none=True)
    value = ma.fields.String()


class RegistrationSchema(ma.Schema):
    id = ma.fields.Integer()
    talk_id = ma.fields.Integer(attribute="event_id")
    status = ma.fields.String()
    first_name = ma.fields.String()
    last_name = ma.fields.String()
    email = ma.fields.String()
    organisation = ma.fields.String()
    job_title = ma.fields.String()
    country = ma.fields.String()
    marketing_consent = ma.fields.Boolean()
    utm_source = ma.fields.String()
    utm_medium = ma.fields.String()
    utm_campaign = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
    cancelled_at = ma.fields.AwareDateTime(allow_none=True)
    joined_at = ma.fields.AwareDateTime(allow_none=True)
    attended_at = ma.fields.AwareDateTime(allow_none=True)
    erased = ma.fields.Function(lambda registration: registration.anonymised_at is not None)


class RegistrationDetailSchema(RegistrationSchema):
    answers = ma.fields.Method(
        "visible_answers",
        metadata={"description": "Answers to the talk's questions; sensitive ones are left out."},
    )

    def visible_answers(self, registration) -> list[dict]:
        rows = [answer for answer in registration.answers if not answer.question_sensitive]
        return AnswerSchema(many=True).dump(rows)


class RegistrationPage(Page):
    items = ma.fields.List(ma.fields.Nested(RegistrationSchema))


class NewRegistrationSchema(ma.Schema):
    """A registration, with the fields of the talk's form; the talk decides which are required."""

    first_name = ma.fields.String(required=True)
    last_name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    organisation = ma.fields.String()
    job_title = ma.fields.String()
    country = ma.fields.String(metadata={"description": "ISO 3166-1 alpha-2 code."})
    consent_privacy = ma.fields.Boolean(
        required=True, metadata={"description": "The person agreed to the privacy notice."}
    )
    consent_marketing = ma.fields.Boolean(load_default=False)
    timezone = ma.fields.String(metadata={"description": "The person's IANA time zone."})
    utm_source = ma.fields.String()
    utm_medium = ma.fields.String()
    utm_campaign = ma.fields.String()
    referrer = ma.fields.String()
    answers = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Raw(),
        load_default=dict,
        metadata={
            "description": "Per question id: text, a number, true/false, an option id, "
            "or a list of option ids for a multiple choice."
        },
    )


class AttendanceSchema(ma.Schema):
    attended = ma.fields.Boolean(load_default=True, metadata={"description": "false clears it."})
    attended_at = Moment(metadata={"description": "When; now when left out."})


class DaySchema(ma.Schema):
    day = ma.fields.Date()
    registrations = ma.fields.Integer()


class SourceSchema(ma.Schema):
    source = ma.fields.String()
    registrations = ma.fields.Integer()


class FiguresSchema(ma.Schema):
    counts = ma.fields.Nested(CountsSchema)
    per_day = ma.fields.List(ma.fields.Nested(DaySchema))
    per_source = ma.fields.List(ma.fields.Nested(SourceSchema))
    per_referrer = ma.fields.List(ma.fields.Nested(SourceSchema))


EVENT_NAMES = validate.OneOf(list(WEBHOOK_EVENTS))


class WebhookEndpointSchema(ma.Schema):
    """An endpoint as the API shows it: never its secret, which is given once."""

    id = ma.fields.Integer()
    url = ma.fields.String()
    description = ma.fields.String()
    events = ma.fields.List(ma.fields.String(), attribute="event_types")
    talk_ids = ma.fields.Method("_talk_ids", metadata={"type": "array",
                                "items": {"type": "integer"},
                                "description": "Empty: every talk the organiser has a role on."})
    include_personal_data = ma.fields.Boolean()
    enabled = ma.fields.Boolean()
    disabled_reason = ma.fields.String()
    failing_since = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()

    def _talk_ids(self, endpoint) -> list[int]:
        return [talk.id for talk in endpoint.talks]


class WebhookEndpointWithSecret(WebhookEndpointSchema):
    secret = ma.fields.String(metadata={"description": "Shown this once: keep it now."})


class WebhookEndpointList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(WebhookEndpointSchema))


class WebhookEndpointSettings(ma.Schema):
    """The settings of a new endpoint."""

    url = ma.fields.String(required=True, validate=validate.Length(1, 2000),
                           metadata={"description": "https://, or http:// to an allowed host."})
    description = ma.fields.String(validate=validate.Length(max=200))
    events = ma.fields.List(ma.fields.String(validate=EVENT_NAMES), required=True,
                            validate=validate.Length(1))
    talk_ids = ma.fields.List(ma.fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1)))
    include_personal_data = ma.fields.Boolean()
    enabled = ma.fields.Boolean()


class WebhookEndpointChange(WebhookEndpointSettings):
    """A change of an endpoint's settings: each one is optional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "partial": True})


class WebhookDeliverySchema(ma.Schema):
    webhook_id = ma.fields.String()
    event_type = ma.fields.String()
    status = ma.fields.String()
