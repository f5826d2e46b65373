"""The form every form of the site is built on: what a field holds fits the site and its database.

A NUL cannot even be stored by PostgreSQL, a line break in one-line text
would end a line of a calendar file or an email header early, a number past
the database's integers fails the query, and a date at the edge of the
calendar (year 1 or 9999) overflows once moved to another time zone. Checking
this once, here, for every field of every form (a test makes sure each form
is a SiteForm) means a field added later is covered without anyone
remembering to.
"""

from datetime import date, datetime
from functools import cache

from babel.support import Translations
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.widgets import Select

from .languages import lazy_gettext as _l
from .text import CONTROL_CHARACTERS, TEXT_CONTROL_CHARACTERS

# Wide enough for any talk, far enough from year 1 and 9999 for any date arithmetic.
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2999, 12, 31)
# The largest value of an integer column, on SQLite and PostgreSQL alike.
MAX_INTEGER = 2**31 - 1

ONE_LINE = _l("Please type this on one line, without line breaks, tabs or invisible characters.")
NO_CONTROL_CHARACTERS = _l("Please remove the invisible control characters from this text.")
DATE_RANGE = _l("Please enter a date between 1 January 1970 and 31 December 2999.")
NUMBER_RANGE = _l("Please enter a number between %(low)s and %(high)s.",
                  low=f"{-MAX_INTEGER:,}", high=f"{MAX_INTEGER:,}")  # fmt: skip


class SiteForm(FlaskForm):
    """A form that refuses control characters, and dates and numbers out of range, by the field.

    Hidden fields are cleaned instead of refused: the person cannot see them
    to correct them.
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            # Flask-WTF reads WTForms' own catalog from disk in every request
            # that builds a form; it is the same file for every request.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations(str(get_locale()))

    def validate(self, extra_validators=None) -> bool:
        self._clean_hidden_fields()
        valid = super().validate(extra_validators)
        for field in self:
            # A field's own range check (capacity) speaks first; this one backs it up.
            message = control_character_error(field) or (
                None if field.errors else out_of_range_error(field)
            )
            if message and message not in field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def _clean_hidden_fields(self) -> None:
        for field in self:
            # The CSRF token is compared exactly as it came.
            if (
                isinstance(field, HiddenField)
                and field.name != self.meta.csrf_field_name
                and isinstance(field.data, str)
            ):
                field.data = CONTROL_CHARACTERS.sub("", field.data)


def control_character_error(field) -> str | None:
    """Return what is wrong with the control characters in a field's text, or None."""
    if isinstance(field, HiddenField):
        return None
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    texts = [value for value in values if isinstance(value, str)]
    if isinstance(field, TextAreaField):
        bad, message = TEXT_CONTROL_CHARACTERS, NO_CONTROL_CHARACTERS
    else:
        bad, message = CONTROL_CHARACTERS, ONE_LINE
    return message if any(bad.search(text) for text in texts) else None


def out_of_range_error(field) -> str | None:
    """Return what is wrong with a field's date or number, or None."""
    value = field.data
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date) and not FIRST_DATE <= value <= LAST_DATE:
        return DATE_RANGE
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        return NUMBER_RANGE
    return None


class ManyOptionsSelect(Select):
    """WTForms' select, written the same but quicker for hundreds of options (time zones).

    WTForms builds each option's attributes through a general function; for a
    list of 600 time zones that was most of the talk editor's time.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        # The attributes in WTForms' order: sorted by name.
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')


@cache
def wtforms_translations(locale: str) -> Translations:
    """Return WTForms' own messages (required field, not a number...) in a language."""
    return Translations.load(messages_path(), [locale], domain="wtforms")
