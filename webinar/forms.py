"""The form every form of the site is built on: no control character gets through a field.

A NUL cannot even be stored by PostgreSQL, and a line break in one-line text
would end a line of a calendar file or an email header early. Checking this
once, here, for every field of every form (a test makes sure each form is a
SiteForm) means a field added later is covered without anyone remembering to.
"""

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

# Any control character, line breaks included: none belongs in one-line text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# In long text, line breaks and tabs belong; other control characters do not.
TEXT_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ONE_LINE = "Please type this on one line, without line breaks, tabs or invisible characters."
NO_CONTROL_CHARACTERS = "Please remove the invisible control characters from this text."


class SiteForm(FlaskForm):
    """A form whose text fields refuse control characters, with a message by the field.

    Hidden fields are cleaned instead of refused: the person cannot see them
    to correct them.
    """

    def validate(self, extra_validators=None) -> bool:
        self._clean_hidden_fields()
        valid = super().validate(extra_validators)
        for field in self:
            message = control_character_error(field)
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
