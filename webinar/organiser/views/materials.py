"""The materials page of an event: uploaded slides and links."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...models import Event
from ...uploads import UploadError
from .. import bp
from ..forms import LinkForm, SlidesForm
from ..queries.access import Permission, get_event_or_404, get_material_or_404
from ..services.materials import attach_link, attach_slides, remove_material


def render_materials(event: Event, slides_form=None, link_form=None):
    """Show the materials page with its two forms."""
    return render_template(
        "organiser/materials.html",
        event=event,
        slides_form=slides_form or SlidesForm(prefix="slides"),
        link_form=link_form or LinkForm(prefix="link"),
    )


@bp.get("/events/<int:event_id>/materials")
def materials(event_id: int):
    """List an event's materials."""
    return render_materials(get_event_or_404(current_user, event_id, Permission.EDIT))


@bp.post("/events/<int:event_id>/materials/slides")
def add_slides(event_id: int):
    """Upload slides (PDF) for an event."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    form = SlidesForm(prefix="slides")
    if form.validate_on_submit():
        upload = form.file.data if getattr(form.file.data, "filename", "") else None
        try:
            attach_slides(event, form.title.data, upload)
        except UploadError as error:
            form.file.errors.append(str(error))
        else:
            flash(_("The slides are added."), "success")
            return redirect(url_for("organiser.materials", event_id=event.id))
    return render_materials(event, slides_form=form)


@bp.post("/events/<int:event_id>/materials/links")
def add_link(event_id: int):
    """Add a link (title and web address) to an event's materials."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        attach_link(event, form.title.data, form.url.data)
        flash(_("The link is added."), "success")
        return redirect(url_for("organiser.materials", event_id=event.id))
    return render_materials(event, link_form=form)


@bp.post("/events/<int:event_id>/materials/<int:material_id>/delete")
def delete_material(event_id: int, material_id: int):
    """Remove a material, and its file if it was uploaded."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    material = get_material_or_404(event, material_id)
    remove_material(material)
    flash(_("%(name)s is removed.", name=material.title), "success")
    return redirect(url_for("organiser.materials", event_id=event.id))
