"""The registration form and the small forms of the personal page."""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache

import pycountry
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

# SiteForm refuses control characters in every field (CR/LF in a name or an
# address would be a header injection wherever the text reaches an email).
from ..dates import zone_names
from ..forms import SiteForm
from ..languages import current_language
from ..languages import lazy_gettext as _l

# Names are echoed into the greeting of every email ("Dear Ada,"), which a
# stranger can send to anyone's address: a name field must not carry a link
# or a message. What a name has: letters and their marks (any script), spaces,
# hyphens, apostrophes, dots and commas, and the joiners some scripts need.
NAME_PUNCTUATION = frozenset(" -'\u2019.,\u2010\u200c\u200d")
# A web or email address: "://", "www.", "@", or a dot between letters ("example.com").
LINK_LIKE = re.compile(r"://|www\.|@|[^\W_]\.[^\W\d_]{2,}", re.IGNORECASE)
NAME_MAX_LENGTH = 60


def looks_like_a_name(_form, field) -> None:
    """Refuse links, addresses and characters no name has (digits, symbols, markup)."""
    value = field.data or ""
    if LINK_LIKE.search(value):
        raise ValidationError(
            _l(
                "Please enter just your name, without a web or email address. "
                "If your name has a dot in it, put a space after the dot."
            )
        )
    if any(unicodedata.category(c)[0] not in "LM" and c not in NAME_PUNCTUATION for c in value):
        raise ValidationError(
            _l("Please use only letters, spaces, hyphens, apostrophes and dots in your name.")
        )


def strip(value):
    return value.strip() if isinstance(value, str) else value


def country_choices() -> list[tuple[str, str]]:
    """Return (ISO 3166-1 alpha-2 code, name) pairs sorted by name, in the reader's language."""
    return countries_in(current_language())


@cache
def countries_in(language: str) -> list[tuple[str, str]]:
    """Return the countries named in a language (pycountry's ISO 3166 translations)."""
    names = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    ).gettext
    pairs = [(c.alpha_2, names(getattr(c, "common_name", None) or c.name))
             for c in pycountry.countries]  # fmt: skip
    if language == "en":
        return sorted(pairs, key=lambda pair: pair[1])
    # "Émirats arabes unis" among the E, "Österreich" among the O.
    return sorted(pairs, key=lambda pair: unicodedata.normalize("NFKD", pair[1]).casefold())


@cache
def country_codes() -> frozenset[str]:
    """Return the ISO 3166-1 alpha-2 codes the country list offers."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


# The fixed text fields: their label and what the form says when one is left empty.
TEXT_FIELDS = {
    "first_name": (_l("First name"), _l("Please enter your first name.")),
    "last_name": (_l("Last name"), _l("Please enter your last name.")),
    "organisation": (_l("Organisation"), _l("Please enter your organisation.")),
    "job_title": (_l("Job title"), _l("Please enter your job title.")),
    "name": (_l("Name"), _l("Please enter your name.")),
}


def too_long(max_length: int):
    """Return the message of a text longer than max_length."""
    return _l("Please keep this under %(limit)d characters.", limit=max_length + 1)


def text_field(
    name: str,
    max_length: int,
    *,
    required: bool = True,
    autocomplete: str = "",
    checks: tuple = (),
) -> StringField:
    """Return a one-line text field with a length limit (SiteForm refuses control characters)."""
    label, missing = TEXT_FIELDS[name]
    presence = DataRequired(message=missing) if required else Optional()
    return StringField(
        label,
        validators=[
            presence,
            Length(max=max_length, message=too_long(max_length)),
            *checks,
        ],
        filters=[strip],
        render_kw={"maxlength": max_length, "autocomplete": autocomplete or "on"},
    )


def email_field() -> EmailField:
    """Return a required email address field."""
    return EmailField(
        _l("Email address"),
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Length(max=254, message=too_long(254)),
            Email(
                message=_l("Please enter an email address such as name@example.org."),
                check_deliverability=False,
            ),
        ],
        filters=[strip],
        render_kw={"maxlength": 254, "autocomplete": "email"},
    )


class RegistrationForm(SiteForm):
    first_name = text_field(
        "first_name", NAME_MAX_LENGTH, autocomplete="given-name", checks=(looks_like_a_name,)
    )
    last_name = text_field(
        "last_name", NAME_MAX_LENGTH, autocomplete="family-name", checks=(looks_like_a_name,)
    )
    email = email_field()
    organisation = text_field("organisation", 200, autocomplete="organization")
    job_title = text_field("job_title", 200, required=False, autocomplete="organization-title")
    country = SelectField(
        _l("Country"),
        choices=[],
        validators=[DataRequired(message=_l("Please choose your country."))],
        validate_choice=False,
    )
    consent_privacy = BooleanField(
        _l("I have read the privacy notice and agree that my details are used to run this talk."),
        validators=[
            DataRequired(message=_l("Please agree to the privacy notice to register.")),
        ],
    )
    consent_marketing = BooleanField(
        _l("Send me news about future talks (optional; you can unsubscribe at any time).")
    )
    # Filled in by static/js/registration.js; without JavaScript it stays empty.
    timezone = HiddenField()
    # Kept from the visit that brought the person here.
    utm_source = HiddenField()
    utm_medium = HiddenField()
    utm_campaign = HiddenField()
    referrer = HiddenField()
    # A field people never see: software that fills every field fills this one too.
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A talk may leave the country out (registration_form_class()).
        if self.country is not None:
            self.country.choices = [("", _l("Choose a country"))] + country_choices()

    def validate_country(self, field) -> None:
        if field.data and field.data not in country_codes():
            raise ValidationError(_l("Please choose a country from the list."))

    def is_spam(self) -> bool:
        """Say whether the hidden field was filled, which people never do."""
        return bool(self.website.data)

    def source(self) -> dict[str, str]:
        """Return the browser's time zone and the visit's origin, cleaned; never an error."""
        zone = (self.timezone.data or "").strip()
        values = {"timezone": zone if zone in zone_names() else ""}
        limits = {"utm_source": 200, "utm_medium": 200, "utm_campaign": 200, "referrer": 500}
        for name, limit in limits.items():
            # SiteForm has removed control characters: the person cannot correct these.
            value = (getattr(self, name).data or "").strip()
            values[name] = value[:limit]
        return values

    def registration_data(self) -> dict[str, str | bool]:
        """Return the fields seats.register() needs; a field the talk does not ask stays empty."""
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "email": self.email.data,
            **{
                name: (getattr(self, name).data or "") if getattr(self, name) is not None else ""
                for name in ("organisation", "job_title", "country")
            },
            "marketing_consent": bool(self.consent_marketing.data),
            **self.source(),
        }


class ConfirmForm(SiteForm):
    """An empty form: a button with a CSRF token (cancel, delete my data)."""
