"""The organiser's own account: two-factor sign-in, and the rule that may require it."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...extensions import limiter
from .. import bp
from ..forms import CodeForm, TurnOffTwoFactorForm
from ..services import two_factor

# What an organiser who must set up two-factor sign-in may still open.
SET_UP_ENDPOINTS = {
    "organiser.account",
    "organiser.start_two_factor",
    "organiser.set_up_two_factor",
    "organiser.login",
    "organiser.login_code",
    "organiser.logout",
}


@bp.before_request
def require_two_factor():
    """With REQUIRE_TWO_FACTOR, keep an organiser without it on the set-up until it is done."""
    if not current_app.config["REQUIRE_TWO_FACTOR"] or request.endpoint in SET_UP_ENDPOINTS:
        return None
    if not current_user.is_authenticated or current_user.has_two_factor:
        return None
    flash("This site requires two-factor sign-in: please set it up to go on.", "info")
    return redirect(url_for("organiser.account"))


def turn_off_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def render_account(off_form=None, status=200):
    return render_template(
        "organiser/account.html",
        off_form=off_form or TurnOffTwoFactorForm(),
        codes_left=two_factor.recovery_codes_left(current_user),
        required=current_app.config["REQUIRE_TWO_FACTOR"],
    ), status


@bp.get("/account")
def account():
    """Show the organiser's account and whether two-factor sign-in is on."""
    return render_account()


@bp.post("/account/two-factor/start")
def start_two_factor():
    """Make a new secret for the organiser and show the set-up page."""
    try:
        two_factor.start_set_up(current_user)
    except two_factor.TwoFactorError as error:
        flash(str(error), "warning")
        return redirect(url_for("organiser.account"))
    return redirect(url_for("organiser.set_up_two_factor"))


@bp.route("/account/two-factor", methods=["GET", "POST"])
def set_up_two_factor():
    """Show the QR code and the secret; a first right code turns two-factor sign-in on."""
    if current_user.has_two_factor or not current_user.totp_secret:
        return redirect(url_for("organiser.account"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_set_up(current_user, form.code.data)
        except two_factor.TwoFactorError as message:
            error = str(message)
        else:
            return render_template("organiser/recovery_codes.html", codes=codes)
    return render_template(
        "organiser/two_factor_set_up.html",
        form=form,
        error=error,
        qr_code=two_factor.qr_code_data_uri(two_factor.provisioning_uri(current_user)),
        secret=two_factor.grouped_secret(current_user.totp_secret),
    )


@bp.post("/account/two-factor/off")
@limiter.limit(turn_off_rate_limit)
def turn_off_two_factor():
    """Turn two-factor sign-in off, given the password and a current code."""
    form = TurnOffTwoFactorForm()
    if not form.validate_on_submit():
        return render_account(form)
    try:
        two_factor.turn_off(current_user, form.password.data, form.code.data)
    except two_factor.TwoFactorError as error:
        form.code.errors = [str(error)]
        return render_account(form)
    flash("Two-factor sign-in is off.", "success")
    return redirect(url_for("organiser.account"))
