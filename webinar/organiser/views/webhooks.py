"""An organiser's webhook endpoints: the list, adding and changing one, its delivery log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...forms import SiteForm
from ...models import WEBHOOK_EVENTS
from ...paging import page_number
from ...webhooks.delivery import reason_text, secrets_in_use
from .. import bp
from ..queries.webhooks import delivery_counts, delivery_log, endpoints_of, get_endpoint_or_404
from ..services import webhooks
from ..services.webhooks import WebhookInvalid
from ..webhook_forms import WebhookForm


def to_endpoint(endpoint_id: int):
    return redirect(url_for("organiser.webhook", endpoint_id=endpoint_id), 303)


def show_secret(endpoint, secret: str, new: bool):
    """Show a secret, the one time it is shown."""
    return render_template("organiser/webhook_secret.html", endpoint=endpoint, secret=secret,
                           new=new)  # fmt: skip


def saved(form: WebhookForm, save):
    """Call save(data); on refused settings put the messages on the form's fields, return None."""
    try:
        return save(form.data_for_service())
    except WebhookInvalid as error:
        for name, messages in error.errors.items():
            form[name].errors = [*form[name].errors, *messages]
        return None


@bp.get("/webhooks")
def webhooks_page():
    """List the organiser's webhook endpoints."""
    return render_template("organiser/webhooks.html", endpoints=endpoints_of(current_user))


@bp.route("/webhooks/new", methods=["GET", "POST"])
def new_webhook():
    """Add an endpoint; its secret is shown once, on the page that follows."""
    form = WebhookForm(webhooks.talk_choices(current_user))
    if request.method == "GET":
        form.events.data = list(WEBHOOK_EVENTS)
    if form.validate_on_submit():
        created = saved(form, lambda data: webhooks.create_endpoint(current_user, data))
        if created is not None:
            return show_secret(*created, new=True)
    return render_template("organiser/webhook_form.html", form=form, endpoint=None)


@bp.get("/webhooks/<int:endpoint_id>")
def webhook(endpoint_id: int):
    """Show an endpoint, its settings and its delivery log, newest first."""
    endpoint = get_endpoint_or_404(current_user, endpoint_id)
    page = delivery_log(endpoint, page_number(request.args) or 1)
    signing = secrets_in_use(endpoint)
    old_secret_until = endpoint.previous_secret_until if len(signing) > 1 else None
    return render_template("organiser/webhook.html", endpoint=endpoint, page=page,
                           counts=delivery_counts(endpoint), old_secret_until=old_secret_until,
                           reason=reason_text(endpoint.disabled_reason))  # fmt: skip


@bp.route("/webhooks/<int:endpoint_id>/edit", methods=["GET", "POST"])
def edit_webhook(endpoint_id: int):
    """Change an endpoint's address, events, talks or personal data, or turn it off or on."""
    endpoint = get_endpoint_or_404(current_user, endpoint_id)
    form = WebhookForm(webhooks.talk_choices(current_user), obj=endpoint)
    if request.method == "GET":
        form.events.data = endpoint.event_types
        form.talk_ids.data = [talk.id for talk in endpoint.talks]
    if form.validate_on_submit():
        if saved(form, lambda data: webhooks.update_endpoint(endpoint, data)) is not None:
            flash(_("The endpoint is saved."), "success")
            return to_endpoint(endpoint.id)
    return render_template("organiser/webhook_form.html", form=form, endpoint=endpoint)


@bp.route("/webhooks/<int:endpoint_id>/delete", methods=["GET", "POST"])
def delete_webhook(endpoint_id: int):
    """Delete an endpoint and its log, after a confirmation page."""
    endpoint = get_endpoint_or_404(current_user, endpoint_id)
    if request.method == "POST" and SiteForm().validate_on_submit():
        webhooks.delete_endpoint(endpoint)
        flash(_("The endpoint is deleted."), "success")
        return redirect(url_for("organiser.webhooks_page"), 303)
    return render_template("organiser/webhook_delete.html", endpoint=endpoint)


@bp.post("/webhooks/<int:endpoint_id>/secret")
def rotate_webhook_secret(endpoint_id: int):
    """Make a new secret for an endpoint and show it once; the old one signs along for a day."""
    endpoint = get_endpoint_or_404(current_user, endpoint_id)
    if not SiteForm().validate_on_submit():
        return to_endpoint(endpoint.id)
    return show_secret(endpoint, webhooks.rotate_secret(endpoint), new=False)


@bp.post("/webhooks/<int:endpoint_id>/test")
def test_webhook(endpoint_id: int):
    """Queue a test event to the endpoint."""
    endpoint = get_endpoint_or_404(current_user, endpoint_id)
    if SiteForm().validate_on_submit():
        webhooks.send_test(endpoint)
        flash(_("A test event is on its way; its result appears below."), "success")
    return to_endpoint(endpoint.id)


@bp.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/again")
def send_webhook_again(endpoint_id: int, delivery_id: int):
    """Send a delivery again, with its same webhook-id."""
    endpoint = get_endpoint_or_404(current_user, endpoint_id)
    if SiteForm().validate_on_submit():
        if webhooks.send_again(endpoint, delivery_id):
            flash(_("The delivery is queued to be sent again."), "success")
        else:
            flash(_("This delivery is already on its way."), "warning")
    return to_endpoint(endpoint.id)
