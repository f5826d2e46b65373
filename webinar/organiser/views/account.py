"""The organiser's own account: name, email, password, two-factor sign-in, signing out everywhere.

Every form of the page posts to a view of its own here; a refused form is
shown again on the whole page, with the other forms as they were.
"""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, refresh
from flask_login import current_user

from ...extensions import limiter
from .. import bp
from ..forms import (
    ChangePasswordForm,
    CodeForm,
    CurrentPasswordForm,
    EmailChangeForm,
    NameForm,
    TurnOffTwoFactorForm,
)
from ..language_forms import LanguageForm
from ..services import account_changes, email_change, two_factor
from ..services.accounts import AccountError, PasswordNotAccepted
from ..services.sessions import end_session, this_session_id
from . import try_and_flash

# What an organiser who must set up two-factor sign-in may still open: the set-up,
# signing in and out, signing out everywhere (a stolen session is no reason to wait),
# and the link confirming a new email (it needs no account either).
SET_UP_ENDPOINTS = {
    "organiser.account",
    "organiser.start_two_factor",
    "organiser.set_up_two_factor",
    "organiser.login",
    "organiser.login_code",
    "organiser.logout",
    "organiser.sign_out_everywhere",
    "organiser.confirm_email",
}
# Each form of the page: its class and the prefix that keeps its field ids apart.
FORMS = {
    "name_form": (NameForm, "name"),
    "email_form": (EmailChangeForm, "email"),
    "password_form": (ChangePasswordForm, "password"),
    "codes_form": (CurrentPasswordForm, "codes"),
    "off_form": (TurnOffTwoFactorForm, ""),
    "language_form": (LanguageForm, "language"),
}


@bp.before_request
def require_two_factor():
    """With REQUIRE_TWO_FACTOR, keep an organiser without it on the set-up until it is done."""
    if not current_app.config["REQUIRE_TWO_FACTOR"] or request.endpoint in SET_UP_ENDPOINTS:
        return None
    if not current_user.is_authenticated or current_user.has_two_factor:
        return None
    flash(_("This site requires two-factor sign-in: please set it up to go on."), "info")
    return redirect(url_for("organiser.account"))


@bp.before_request
def use_own_language():
    """Answer a signed-in organiser in their own language, unless they chose another here."""
    # Only with a signed-in session: loading the user would mark every visitor's
    # session as changed, and a sign-in page must answer everyone alike.
    if "_user_id" in session and current_user.is_authenticated:
        g.preferred_language = current_user.language


def password_check_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def posted(name: str):
    """Return the form of the page `name` filled from the request."""
    form_class, prefix = FORMS[name]
    return form_class(prefix=prefix)


def render_account(**sent):
    """Render the account page, with the forms in `sent` as they were sent, the others empty."""
    forms = {
        name: sent[name] if name in sent else form_class(formdata=None, prefix=prefix)
        for name, (form_class, prefix) in FORMS.items()
    }
    if "name_form" not in sent:
        forms["name_form"].name.data = current_user.name
    if "language_form" not in sent:
        forms["language_form"].language.data = current_user.language
    return render_template(
        "organiser/account.html",
        **forms,
        codes_left=two_factor.recovery_codes_left(current_user),
        pending=email_change.pending_change(current_user),
        required=current_app.config["REQUIRE_TWO_FACTOR"],
    )


def done(message: str):
    flash(str(message), "success")
    return redirect(url_for("organiser.account"))


@bp.get("/account")
def account():
    """Show the organiser's account: details, email, password, two-factor sign-in, sessions."""
    return render_account()


@bp.post("/account/name")
def change_name():
    """Give the organiser a new name."""
    form = posted("name_form")
    if form.validate_on_submit():
        try:
            changed = account_changes.change_name(current_user, form.name.data)
        except AccountError as error:
            form.name.errors.append(str(error))
        else:
            return done(_("Your name is saved.") if changed else _("Your name stays as it was."))
    return render_account(name_form=form)


@bp.post("/account/language")
def change_language():
    """Set the language of the organiser's area and of the emails to them."""
    form = posted("language_form")
    if form.validate_on_submit():
        try:
            changed = account_changes.change_language(current_user, form.language.data)
        except AccountError as error:
            form.language.errors.append(str(error))
        else:
            # The message is already in the language chosen.
            g.preferred_language = current_user.language
            refresh()
            return done(_("Your language is saved.") if changed
                        else _("Your language stays as it was."))  # fmt: skip
    return render_account(language_form=form)


@bp.post("/account/email")
@limiter.limit(password_check_rate_limit)
def request_email_change():
    """Send a link confirming a new sign-in address to that address."""
    form = posted("email_form")
    if form.validate_on_submit():
        try:
            address = email_change.request_change(current_user, form.email.data,
                                                  form.password.data)  # fmt: skip
        except PasswordNotAccepted as error:
            form.password.errors.append(str(error))
        except AccountError as error:
            form.email.errors.append(str(error))
        else:
            return done(_("We sent a link to %(address)s. Your sign-in email changes when you "
                          "open it.", address=address))  # fmt: skip
    return render_account(email_form=form)


@bp.post("/account/email/cancel")
def cancel_email_change():
    """Cancel the pending change of the sign-in email; its link stops working."""
    try_and_flash(email_change.cancel_change, current_user,
                  _("The change of your email is cancelled: its link no longer works."),
                  AccountError)  # fmt: skip
    return redirect(url_for("organiser.account"))


@bp.post("/account/password")
@limiter.limit(password_check_rate_limit)
def change_password():
    """Replace the password, given the current one; every other browser is signed out."""
    form = posted("password_form")
    if form.validate_on_submit():
        try:
            account_changes.change_password(current_user, form.current.data,
                                            form.password.data, this_session_id())  # fmt: skip
        except PasswordNotAccepted as error:
            form.current.errors.append(str(error))
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            return done(_("Your password is changed. Every other browser signed in to your "
                        "account was signed out; this one stays signed in."))  # fmt: skip
    return render_account(password_form=form)


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere():
    """Sign the organiser out on every browser, this one included."""
    ended = account_changes.sign_out_everywhere(current_user)
    end_session()
    flash(
        ngettext("You are signed out on every browser (%(num)d session ended).",
                 "You are signed out on every browser (%(num)d sessions ended).", ended),
        "success",
    )  # fmt: skip
    return redirect(url_for("organiser.login"))


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


@bp.post("/account/two-factor/recovery-codes")
@limiter.limit(password_check_rate_limit)
def replace_recovery_codes():
    """Give the organiser ten new recovery codes, shown once; the old ones stop working."""
    form = posted("codes_form")
    if form.validate_on_submit():
        try:
            codes = two_factor.replace_recovery_codes(current_user, form.password.data)
        except two_factor.TwoFactorError as error:
            # Two-factor sign-in is off, so the page has no form to show the error on.
            flash(str(error), "warning")
            return redirect(url_for("organiser.account"))
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            return render_template("organiser/recovery_codes.html", codes=codes, replaced=True)
    return render_account(codes_form=form)


@bp.post("/account/two-factor/off")
@limiter.limit(password_check_rate_limit)
def turn_off_two_factor():
    """Turn two-factor sign-in off, given the password and a current code."""
    form = posted("off_form")
    if not form.validate_on_submit():
        return render_account(off_form=form)
    try:
        two_factor.turn_off(current_user, form.password.data, form.code.data)
    except two_factor.TwoFactorError as error:
        form.code.errors = [str(error)]
        return render_account(off_form=form)
    return done(_("Two-factor sign-in is off."))
