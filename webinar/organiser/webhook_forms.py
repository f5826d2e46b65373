"""The form of a webhook endpoint: where, which events, which talks, with personal data or not."""

from wtforms import BooleanField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..languages import lazy_gettext as _l
from ..models import WEBHOOK_EVENTS, Event
from .forms import CheckboxListField, OrganiserForm
from .services.webhooks import ONLY_YOUR_TALKS, EndpointData


class TalkChoices(CheckboxListField):
    """Talks to tick, among those offered: any other is refused in words a person reads."""

    def pre_validate(self, form) -> None:
        offered = {value for value, *_ in self.iter_choices()}
        if any(self.coerce(value) not in offered for value in self.data or ()):
            raise ValidationError(str(ONLY_YOUR_TALKS))


class WebhookForm(OrganiserForm):
    url = StringField(_l("Endpoint URL"), validators=[DataRequired(_l("Enter the endpoint's URL.")),
                                                      Length(max=2000)])  # fmt: skip
    description = StringField(_l("Description"), validators=[Length(max=200)])
    events = CheckboxListField(
        _l("Events to send"),
        choices=[SelectChoice(name, _l("%(event)s: %(meaning)s", event=name, meaning=text))
                 for name, text in WEBHOOK_EVENTS.items()],
    )  # fmt: skip
    talk_ids = TalkChoices(_l("Only these talks"), coerce=int)
    include_personal_data = BooleanField(_l("Include personal data (name, email, answers)"))
    enabled = BooleanField(_l("Send webhooks to this endpoint"), default=True)

    def __init__(self, talks: list[Event], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.talk_ids.choices = [SelectChoice(talk.id, talk.title) for talk in talks]

    def data_for_service(self) -> EndpointData:
        """Return the checked values as the service takes them."""
        return EndpointData(
            url=self.url.data.strip(), description=self.description.data or "",
            events=list(self.events.data or []), talk_ids=list(self.talk_ids.data or []),
            include_personal_data=self.include_personal_data.data, enabled=self.enabled.data,
        )  # fmt: skip
