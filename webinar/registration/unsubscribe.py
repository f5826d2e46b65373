"""The unsubscribe link of news emails: a confirm page, and RFC 8058's one-click POST."""

from flask import render_template, request

from .. import unsubscribe as news
from ..extensions import csrf
from . import bp
from .views import private


# Mail providers send the one-click POST (body "List-Unsubscribe=One-Click")
# with no session and so no CSRF token. The secret in the URL is what
# authorises it, and all it can do is stop emails: no forged request gains anything.
@csrf.exempt
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Ask before unsubscribing (GET); unsubscribe from announcements and news (POST)."""
    registration = news.registration_for(token)
    if registration is None:
        return private(render_template("registration/unsubscribe.html", state="unknown"), 404)
    if request.method == "POST":
        news.unsubscribe(registration)
        state = "done"
    else:
        # Mail scanners open links: a GET only shows the button.
        state = "done" if registration.unsubscribed_at else "ask"
    return private(
        render_template(
            "registration/unsubscribe.html", state=state, event=registration.event, token=token
        )
    )
