"""The form that asks to follow a series."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired

from ..forms import SiteForm
from ..languages import lazy_gettext as _l
from ..registration.forms import email_field, looks_like_a_name, text_field

# Stored whole (Follower.name); the registration form it fills in later splits it.
NAME_MAX_LENGTH = 120


class FollowForm(SiteForm):
    email = email_field()
    name = text_field("name", NAME_MAX_LENGTH, autocomplete="name",
                      checks=(looks_like_a_name,))  # fmt: skip
    consent_privacy = BooleanField(
        _l("I have read the privacy notice and agree that my address is used to email me "
           "about new talks of this series."),
        validators=[DataRequired(message=_l("Please agree to the privacy notice to follow."))],
    )
    # A field people never see: software that fills every field fills this one too.
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )

    def is_spam(self) -> bool:
        """Say whether the hidden field was filled, which people never do."""
        return bool(self.website.data)
