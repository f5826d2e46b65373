"""An event's materials: uploaded slides and links."""

from flask import flash, redirect, render_template, url_for

from ...extensions import db
from ...models import Event, Material
from ...uploads import UploadError, delete_upload, save_slides
from .. import bp
from ..forms import LinkForm, SlidesForm
from ..queries.access import get_managed_event_or_404


def render_materials(event: Event, slides_form=None, link_form=None):
    """Show the materials page with its two forms."""
    return render_template(
        "organiser/materials.html",
        event=event,
        slides_form=slides_form or SlidesForm(prefix="slides"),
        link_form=link_form or LinkForm(prefix="link"),
    )


def add_material(event: Event, **fields) -> Material:
    """Append a material to the end of the event's list and commit."""
    position = max((material.position for material in event.materials), default=-1) + 1
    material = Material(position=position, **fields)
    event.materials.append(material)
    db.session.commit()
    return material


@bp.get("/events/<int:event_id>/materials")
def materials(event_id: int):
    """List an event's materials."""
    return render_materials(get_managed_event_or_404(event_id))


@bp.post("/events/<int:event_id>/materials/slides")
def add_slides(event_id: int):
    """Upload slides (PDF) for an event."""
    event = get_managed_event_or_404(event_id)
    form = SlidesForm(prefix="slides")
    if form.validate_on_submit():
        upload = form.file.data if getattr(form.file.data, "filename", "") else None
        if upload is None:
            form.file.errors.append("Choose a PDF file.")
        else:
            try:
                filename = save_slides(upload)
            except UploadError as error:
                form.file.errors.append(str(error))
            else:
                add_material(event, kind="slides", title=form.title.data.strip(), filename=filename)
                flash("The slides are added.", "success")
                return redirect(url_for("organiser.materials", event_id=event.id))
    return render_materials(event, slides_form=form)


@bp.post("/events/<int:event_id>/materials/links")
def add_link(event_id: int):
    """Add a link (title and web address) to an event's materials."""
    event = get_managed_event_or_404(event_id)
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        add_material(event, kind="link", title=form.title.data.strip(), url=form.url.data)
        flash("The link is added.", "success")
        return redirect(url_for("organiser.materials", event_id=event.id))
    return render_materials(event, link_form=form)


@bp.post("/events/<int:event_id>/materials/<int:material_id>/delete")
def delete_material(event_id: int, material_id: int):
    """Remove a material, and its file if it was uploaded."""
    event = get_managed_event_or_404(event_id)
    material = db.one_or_404(
        db.select(Material).where(Material.id == material_id, Material.event_id == event.id)
    )
    db.session.delete(material)
    db.session.commit()
    delete_upload(material.filename)
    flash(f"{material.title} is removed.", "success")
    return redirect(url_for("organiser.materials", event_id=event.id))
