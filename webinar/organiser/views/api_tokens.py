"""The organiser's API tokens: make one (shown once), see them, revoke one."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...extensions import db
from ...models import Event
from .. import bp
from ..forms import ApiTokenForm
from ..queries.access import managed_events
from ..queries.api_tokens import tokens_of
from ..services.api_tokens import TokenError, create_token, revoke_token


def token_form() -> ApiTokenForm:
    form = ApiTokenForm()
    talks = db.session.scalars(managed_events(current_user).order_by(Event.starts_at.desc()))
    form.talks.choices = [SelectChoice(talk.id, talk.title) for talk in talks]
    return form


@bp.route("/account/api-tokens", methods=["GET", "POST"])
def api_tokens():
    """List the organiser's API tokens; a sent form makes a new one, shown once."""
    form = token_form()
    if form.validate_on_submit():
        try:
            token, secret = create_token(current_user, form.name.data, set(form.scopes.data),
                                         form.talks.data or [])  # fmt: skip
        except TokenError as error:
            form.name.errors.append(str(error))
        else:
            # Kept for the next page only, like a flashed message, then forgotten.
            session["new_api_token"] = {"id": token.id, "secret": secret}
            return redirect(url_for("organiser.new_api_token"), code=303)
    return render_template("organiser/api_tokens.html", form=form, tokens=tokens_of(current_user))


@bp.get("/account/api-tokens/new")
def new_api_token():
    """Show a token just made, this once."""
    made = session.pop("new_api_token", None)
    token = next((t for t in tokens_of(current_user) if made and t.id == made["id"]), None)
    if token is None:
        flash(_("A new token is shown only once, right after it is made."), "info")
        return redirect(url_for("organiser.api_tokens"))
    return render_template("organiser/api_token_made.html", token=token, secret=made["secret"])


@bp.post("/account/api-tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    """Revoke one of the organiser's API tokens: it stops working at once."""
    try:
        token = revoke_token(current_user, token_id)
    except TokenError as error:
        flash(str(error), "warning")
    else:
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("organiser.api_tokens"))
