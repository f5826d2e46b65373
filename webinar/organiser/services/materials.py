"""The materials of a talk: uploaded slides and links, added and removed one commit each."""

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ...extensions import db
from ...models import Event, Material
from ...uploads import UploadError, delete_upload, save_slides


def _append(event: Event, **fields) -> Material:
    """Append a material to the end of the event's list and commit."""
    position = max((material.position for material in event.materials), default=-1) + 1
    material = Material(position=position, **fields)
    event.materials.append(material)
    db.session.commit()
    return material


def attach_slides(event: Event, title: str, upload: FileStorage | None) -> Material:
    """Store uploaded slides (a PDF) and add them to the talk; raise UploadError if refused."""
    if upload is None:
        raise UploadError(_("Choose a PDF file."))
    filename = save_slides(upload)
    return _append(event, kind="slides", title=title.strip(), filename=filename)


def attach_link(event: Event, title: str, url: str) -> Material:
    """Add a link (title and web address) to the talk's materials."""
    return _append(event, kind="link", title=title.strip(), url=url)


def remove_material(material: Material) -> None:
    """Remove a material, and its file if it was uploaded; commit."""
    db.session.delete(material)
    db.session.commit()
    delete_upload(material.filename)
