"""Signing organisers in and out."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import limiter, login_manager
from ...languages import lazy_gettext as _l
from .. import bp
from ..forms import CodeForm, LoginForm
from ..services.accounts import AccountDeactivated, authenticate
from ..services.sessions import await_code, awaiting_code, end_session, start_session
from ..services.two_factor import sign_in_with_code

LOGIN_ERROR = _l("Email or password is incorrect.")
CODE_ERROR = _l("That code is not right, or it was used already.")
# Pages of the area that a visitor who is not signed in may open.
PUBLIC_ENDPOINTS = {
    "organiser.login",
    "organiser.login_code",
    "organiser.forgot_password",
    "organiser.forgot_password_sent",
    "organiser.reset_password",
    "organiser.confirm_email",
    "organiser.accept_invitation",
}

login_manager.login_view = "organiser.login"
login_manager.login_message = _l("Please sign in to use the organiser area.")
login_manager.login_message_category = "info"
# A plain string in the session, in the language of the request that is turned away.
login_manager.localize_callback = str


@bp.before_request
def require_sign_in():
    """Send visitors who are not signed in to the sign-in page, for every page but that one."""
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.method != "GET":
        # Coming back to a button's address after sign-in would only give "not allowed".
        flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(url_for("organiser.login"))
    return login_manager.unauthorized()


@bp.after_request
def do_not_store(response):
    """Keep organiser pages (attendee data) out of shared and browser caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None.

    Only "/path" is accepted: "//host" and "/\\host" are read by browsers as
    another site, and browsers drop tabs and newlines, which could turn
    "/\\t/host" into "//host".
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(char) < 0x21 or char == "\x7f" for char in target):
        return None
    return target


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login():
    """Sign an organiser in."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("organiser.dashboard"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            organiser = authenticate(form.email.data, form.password.data)
        except AccountDeactivated as refused:
            organiser, error = None, str(refused)
        if organiser is not None and organiser.has_two_factor:
            await_code(organiser)
            return redirect(url_for("organiser.login_code", next=next_url))
        if organiser is not None:
            start_session(organiser)
            return redirect(next_url or url_for("organiser.dashboard"))
        error = error or LOGIN_ERROR
    return render_template("organiser/login.html", form=form, error=error, next=next_url)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login_code():
    """Ask the code of two-factor sign-in, once the password was right."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("organiser.dashboard"))
    organiser_id = awaiting_code()
    if organiser_id is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("organiser.login", next=next_url))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        organiser = sign_in_with_code(organiser_id, form.code.data)
        if organiser is not None:
            start_session(organiser)
            return redirect(next_url or url_for("organiser.dashboard"))
        error = CODE_ERROR
    return render_template("organiser/login_code.html", form=form, error=error, next=next_url)


@bp.post("/logout")
def logout():
    """Sign the organiser out: the session ends on the server, so a copied cookie is worthless."""
    end_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("organiser.login"))
