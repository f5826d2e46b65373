"""Following a series: the form, the confirmation link, the unsubscribe link, "my subscriptions"."""

from __future__ import annotations

from flask import abort, current_app, json, redirect, render_template, request, url_for

from .. import follower_privacy, followers
from ..extensions import csrf, limiter
from ..languages import current_language
from ..models import Follower
from ..registration.forms import ConfirmForm
from ..registration.views import private
from ..series.queries import public_series
from . import bp
from .forms import FollowForm


def follow_rate_limit() -> str:
    return current_app.config["FOLLOW_RATE_LIMIT"]


@bp.route("/series/<series_slug>/follow", methods=["GET", "POST"])
@limiter.limit(follow_rate_limit, methods=["POST"])
def follow(series_slug: str):
    """Ask to follow a series: a confirmation link goes to the address given."""
    series = public_series(series_slug)
    form = FollowForm()
    if form.validate_on_submit():
        if not form.is_spam():
            followers.follow(
                series,
                followers.FollowRequest(
                    email=form.email.data,
                    name=form.name.data,
                    privacy_notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                    language=current_language(),
                ),
            )
        # The same answer whether the address was new, waiting or following already.
        return redirect(url_for(".follow_sent", series_slug=series_slug), code=303)
    return render_template("following/follow.html", series=series, form=form)


@bp.get("/series/<series_slug>/follow/sent")
def follow_sent(series_slug: str):
    """Say that a confirmation link is on its way."""
    series = public_series(series_slug)
    days = current_app.config["FOLLOW_CONFIRM_DAYS"]
    return render_template("following/sent.html", series=series, days=days)


@bp.route("/follow/confirm/<confirm_token>", methods=["GET", "POST"])
def confirm(confirm_token: str):
    """Ask the person to confirm (GET, which mail scanners also open); start following (POST)."""
    follower = followers.pending_follower(confirm_token)
    if follower is None:
        return private(render_template("following/confirm.html", follower=None), 404)
    form = ConfirmForm()
    if form.validate_on_submit():
        followers.confirm(follower)
        return redirect(
            url_for(".subscriptions", follower_token=follower.token, started=follower.id), 303
        )
    return private(render_template("following/confirm.html", follower=follower, form=form))


# Mail providers send the one-click POST (body "List-Unsubscribe=One-Click",
# RFC 8058) with no session and so no CSRF token. The secret in the URL is
# what authorises it, and all it can do is stop this series' emails.
@csrf.exempt
@bp.route("/follow/unsubscribe/<unfollow_token>", methods=["GET", "POST"])
def unsubscribe(unfollow_token: str):
    """Ask before unfollowing (GET); stop the series' emails (POST)."""
    follower = followers.follower_by(Follower.unsubscribe_token, unfollow_token)
    if follower is None:
        return private(render_template("following/unsubscribe.html", follower=None), 404)
    if request.method == "POST":
        followers.unfollow(follower)
    return private(
        render_template("following/unsubscribe.html", follower=follower, token=unfollow_token)
    )


def follower_of(token: str) -> Follower:
    """Return the follower of a "my subscriptions" link, or 404."""
    follower = followers.follower_by(Follower.token, token)
    if follower is None:
        abort(404)
    return follower


@bp.get("/following/<follower_token>")
def subscriptions(follower_token: str):
    """List the series this address follows, each with a button to stop."""
    follower = follower_of(follower_token)
    return private(
        render_template(
            "following/subscriptions.html",
            follower=follower,
            follows=followers.subscriptions(follower),
            form=ConfirmForm(),
            started=request.args.get("started", type=int),
            stopped=request.args.get("stopped", type=int),
        )
    )


@bp.post("/following/<follower_token>/stop/<int:follower_id>")
def stop(follower_token: str, follower_id: int):
    """Stop following one series of this address's list."""
    follower = follower_of(follower_token)
    chosen = next((f for f in followers.subscriptions(follower) if f.id == follower_id), None)
    if chosen is None:
        abort(404)
    # The CSRF token was checked before this view (CSRFProtect).
    followers.unfollow(chosen)
    return redirect(
        url_for(".subscriptions", follower_token=follower_token, stopped=chosen.id), 303
    )


@bp.get("/following/<follower_token>/data.json")
def data(follower_token: str):
    """Download everything stored about this address's follows, as JSON."""
    follower = follower_of(follower_token)
    body = json.dumps(follower_privacy.personal_data(follower), indent=2, ensure_ascii=False)
    response = private(current_app.response_class(body, mimetype="application/json"))
    response.headers["Content-Disposition"] = 'attachment; filename="my-follows.json"'
    return response


@bp.route("/following/<follower_token>/delete", methods=["GET", "POST"])
def forget(follower_token: str):
    """Ask for confirmation, then stop every follow of this address and erase its details."""
    follower = follower_of(follower_token)
    form = ConfirmForm()
    if form.validate_on_submit():
        follower_privacy.erase(follower)
        return redirect(url_for(".erased"), 303)
    return private(render_template("following/delete.html", follower=follower, form=form))


@bp.get("/follow/erased")
def erased():
    """Say that a follower's details are erased."""
    return render_template("following/erased.html")
