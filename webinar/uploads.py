"""Uploaded files: banners and slides, checked by content and stored under generated names.

The name and extension a browser sends are never trusted: the content decides
what a file is, and every stored file gets a fresh random name.
"""

import io
import os
import re
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from .languages import lazy_gettext as _l

BANNER_SIZE = (1600, 600)
BANNER_FORMATS = {"JPEG", "PNG", "WEBP"}
# Far above any real banner; stops a small file that decompresses to gigabytes.
# 8,000 x 8,000 stays under Pillow's own limit (about 89 million pixels), so
# Pillow's DecompressionBombWarning and DecompressionBombError only ever come
# from an image refused here anyway.
MAX_IMAGE_SIDE = 8_000
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|webp|pdf)$")


NOT_AN_IMAGE = _l("The banner must be a JPEG, PNG or WebP image.")
# What is wrong with an upload, in one sentence per kind of file.
TOO_MANY_BYTES = {
    "banner": _l("The banner is larger than %(size)s. Please choose a smaller file."),
    "slides": _l("The slides file is larger than %(size)s. Please choose a smaller file."),
}
EMPTY = {"banner": _l("The banner file is empty."), "slides": _l("The slides file is empty.")}


class UploadError(ValueError):
    """An uploaded file that cannot be accepted; the message is shown to the user."""


def megabytes(size: int) -> str:
    """Return a size in bytes as the reader's language writes it: '5 MB', '0,5 Mo'."""
    return _("%(number)s MB", number=format_decimal(size / (1024 * 1024), "#,##0.##"))


def too_large() -> str:
    """Say that an image has too many pixels, in the reader's language."""
    side = format_decimal(MAX_IMAGE_SIDE)
    return _("This image is too large: at most %(width)s x %(height)s pixels. Please choose a "
             "smaller image.", width=side, height=side)  # fmt: skip


def read_upload(storage: FileStorage, max_bytes: int, what: str) -> bytes:
    """Return the bytes of a "banner" or "slides" upload; refuse a folder path or too many bytes."""
    name = storage.filename or ""
    if "/" in name or "\\" in name or ".." in name:
        raise UploadError(_("The file name contains a folder path (such as ../). Rename the file "
                            "and try again."))  # fmt: skip
    data = storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(str(TOO_MANY_BYTES[what]) % {"size": megabytes(max_bytes)})
    if not data:
        raise UploadError(str(EMPTY[what]))
    return data


def _store(data: bytes, extension: str) -> str:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{extension}"
    partial = folder / f".{name}.part"
    partial.write_bytes(data)
    # A reader never sees half a file: the name appears only once it is complete.
    os.replace(partial, folder / name)
    return name


def save_banner(storage: FileStorage) -> str:
    """Check an uploaded banner, crop it to fill 1600 x 600 and store it; return its name."""
    data = read_upload(storage, current_app.config["BANNER_MAX_BYTES"], "banner")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format, size = probe.format, probe.size
            probe.verify()
    # Pillow's warning is an error where warnings are made errors (as in the tests).
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadError(too_large()) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UploadError(str(NOT_AN_IMAGE)) from error
    if image_format not in BANNER_FORMATS:
        raise UploadError(str(NOT_AN_IMAGE))
    if max(size) > MAX_IMAGE_SIDE:
        raise UploadError(too_large())
    try:
        # verify() leaves the image unusable: open it again to decode it.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            banner = ImageOps.fit(ImageOps.exif_transpose(image), BANNER_SIZE,
                                  Image.Resampling.LANCZOS)
    except (OSError, SyntaxError, ValueError) as error:
        raise UploadError(_("The banner image is damaged and cannot be read.")) from error

    output = io.BytesIO()
    # Transparency survives in WebP; everything else becomes a JPEG.
    if banner.mode in ("RGBA", "LA") or (banner.mode == "P" and "transparency" in banner.info):
        banner.convert("RGBA").save(output, "WEBP", quality=85)
        extension = "webp"
    else:
        banner.convert("RGB").save(output, "JPEG", quality=85, optimize=True)
        extension = "jpg"
    return _store(output.getvalue(), extension)


def save_slides(storage: FileStorage) -> str:
    """Check uploaded slides are a PDF and store them; return the stored name."""
    data = read_upload(storage, current_app.config["SLIDES_MAX_BYTES"], "slides")
    if not data.startswith(b"%PDF-"):
        raise UploadError(_("The slides must be a PDF file."))
    return _store(data, "pdf")


def delete_upload(name: str | None) -> None:
    """Remove a stored upload, if it is there."""
    if name and STORED_NAME.match(name):
        (Path(current_app.config["UPLOAD_FOLDER"]) / name).unlink(missing_ok=True)
