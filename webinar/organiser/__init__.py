"""The organiser area: sign-in, dashboard, event editing, attendees, export and figures.

views/ answer HTTP requests and import no other view module; queries/ read;
services/ write, each change in one transaction, so that every entry point
(the pages, the CLI, an API) goes through the same rules.
"""

from flask import Blueprint

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


@bp.app_template_global()
def can(thing, permission: str) -> bool:
    """Say whether the signed-in organiser may do this to the talk or series.

    Pages show only the buttons the organiser may use.

    The same roles table answers the routes (queries/access.py), so a button
    and its route never disagree.
    """
    from flask_login import current_user

    from .queries.access import may

    return may(current_user, thing, permission)


# The views attach their routes to bp.
from .views import (  # noqa: E402,F401
    account,
    api_tokens,
    attendees,
    audit_log,
    auth,
    dashboard,
    editor,
    email_change,
    export,
    followers,
    invitation,
    materials,
    messages,
    organisers,
    password_reset,
    questions,
    series,
    speakers,
    talk_languages,
    team,
    webhooks,
)
