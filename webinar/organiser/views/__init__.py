"""The organiser pages: parse the request, call a query or a service, then render or redirect."""

from collections.abc import Callable
from typing import Any

from flask import flash

from ...languages import lazy_gettext as _l

# The page of an emailed link that is none of ours: cut short when copied, most often.
UNKNOWN_LINK = (
    _l("This link does not work"),
    _l("It may be incomplete: check that you copied all of it from the email."),
    404,
)


def try_and_flash(
    action: Callable[[Any], Any],
    target: Any,
    success: str | Callable[[Any], str],
    refused: type[Exception],
) -> None:
    """Do an action on a target; flash its refusal as a warning, or the success message.

    `success` may be a function of what the action returned, for messages with a count.
    """
    try:
        result = action(target)
    except refused as error:
        flash(str(error), "warning")
    else:
        flash(str(success(result) if callable(success) else success), "success")
