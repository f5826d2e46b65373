"""Banner and slides uploads: recognised by content, size-limited, stored under new names."""

import io
import zlib
from pathlib import Path

import pytest
from PIL import Image
from support.organisers import token_of
from support.stored import load_event
from test_organiser_editor import form_data
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart


def image_bytes(format_name: str = "PNG", size=(2000, 1000), mode="RGB") -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, (200, 30, 30)).save(output, format_name)
    return output.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def post_multipart(client, url: str, data: dict):
    """Post a form with files, encoded in memory (the test client would spool big ones to disk)."""
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload_banner(client, event, content: bytes, filename: str, **overrides):
    url = f"/organiser/events/{event.id}/edit"
    data = form_data(client, url, **{"slug": event.slug, "banner_alt": "Red banner", **overrides})
    data["banner"] = FileStorage(io.BytesIO(content), filename)
    return post_multipart(client, url, data)


def upload_slides(client, event, content: bytes, filename: str):
    url = f"/organiser/events/{event.id}/materials"
    data = {"csrf_token": token_of(client, url), "slides-title": "Slides",
            "slides-file": FileStorage(io.BytesIO(content), filename)}
    return post_multipart(client, f"{url}/slides", data)


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_valid_banner_is_cropped_to_1600_by_600_under_a_new_name(app, owner_client, owned_event):
    response = upload_banner(owner_client, owned_event, image_bytes(), "holiday.png")
    assert response.status_code == 302, response.text
    event = load_event(app, owned_event.id)
    assert event.banner.endswith(".jpg") and "holiday" not in event.banner
    assert event.banner_alt == "Red banner"
    with owner_client.get(f"/uploads/{event.banner}") as served:
        assert served.status_code == 200
        content = served.data
    with Image.open(io.BytesIO(content)) as banner:
        assert banner.size == (1600, 600)
        assert banner.format == "JPEG"


def test_a_transparent_banner_is_kept_as_webp(app, owner_client, owned_event):
    upload_banner(owner_client, owned_event, image_bytes("PNG", mode="RGBA"), "logo.png")
    assert load_event(app, owned_event.id).banner.endswith(".webp")


def test_replacing_a_banner_removes_the_old_file(app, owner_client, owned_event):
    upload_banner(owner_client, owned_event, image_bytes(), "one.png")
    first = load_event(app, owned_event.id).banner
    upload_banner(owner_client, owned_event, image_bytes("JPEG"), "two.jpg")
    second = load_event(app, owned_event.id).banner
    assert first != second
    assert [path.name for path in stored_files(app)] == [second]


def test_a_banner_needs_a_description(app, owner_client, owned_event):
    response = upload_banner(owner_client, owned_event, image_bytes(), "b.png", banner_alt="")
    assert "Describe the banner for people who cannot see it." in response.text
    assert stored_files(app) == []


def test_a_text_file_named_png_is_refused_as_a_banner(app, owner_client, owned_event):
    response = upload_banner(owner_client, owned_event, b"just some text\n" * 10, "photo.png")
    assert response.status_code == 200
    assert "The banner must be a JPEG, PNG or WebP image." in response.text
    assert load_event(app, owned_event.id).banner is None
    assert stored_files(app) == []


def test_a_gif_is_refused_as_a_banner(owner_client, owned_event):
    response = upload_banner(owner_client, owned_event, image_bytes("GIF"), "anim.png")
    assert "The banner must be a JPEG, PNG or WebP image." in response.text


def image_claiming(width: int, height: int) -> bytes:
    """Return a small PNG whose header claims width x height pixels."""
    png = bytearray(image_bytes("PNG", size=(1, 1)))
    # The IHDR chunk: length (4), type (4), width (4), height (4), ...; its CRC follows 13 bytes.
    start = png.index(b"IHDR")
    png[start + 4:start + 12] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    png[start + 17:start + 21] = zlib.crc32(png[start:start + 17]).to_bytes(4, "big")
    return bytes(png)


@pytest.mark.parametrize("size", [(20_000, 20_000), (10_000, 10_000), (9_000, 100)])
def test_a_banner_claiming_too_many_pixels_is_refused_with_the_limit(
    app, owner_client, owned_event, size
):
    response = upload_banner(owner_client, owned_event, image_claiming(*size), "bomb.png")
    assert response.status_code == 200
    assert "This image is too large: at most 8,000 x 8,000 pixels." in response.text
    assert load_event(app, owned_event.id).banner is None
    assert stored_files(app) == []


@pytest.mark.parametrize(("language", "wrong", "limit"), [
    ("fr", "La bannière doit être une image JPEG, PNG ou WebP.",
     "Cette image est trop grande : 8\u202f000 x 8\u202f000 pixels au maximum."),
    ("de", "Das Banner muss ein JPEG-, PNG- oder WebP-Bild sein.",
     "Dieses Bild ist zu groß: höchstens 8.000 x 8.000 Pixel."),
])  # fmt: skip
def test_a_refused_banner_is_explained_in_the_organiser_language(
    owner_client, owned_event, language, wrong, limit
):
    owner_client.set_cookie("lang", language)
    text = upload_banner(owner_client, owned_event, b"just some text\n", "photo.png").text
    assert wrong in text and "The banner must be" not in text
    assert limit in upload_banner(owner_client, owned_event, image_claiming(9_000, 100),
                                  "bomb.png").text  # fmt: skip


def test_a_banner_over_5_mb_is_refused_with_the_limit(app, owner_client, owned_event):
    big = image_bytes() + b"\0" * (5 * 1024 * 1024)
    response = upload_banner(owner_client, owned_event, big, "big.png")
    assert "The banner is larger than 5 MB. Please choose a smaller file." in response.text
    assert stored_files(app) == []


def test_a_file_name_with_a_folder_path_is_refused(app, owner_client, owned_event):
    response = upload_banner(owner_client, owned_event, image_bytes(), "../../etc/banner.png")
    assert "The file name contains a folder path (such as ../)." in response.text
    slides = upload_slides(owner_client, owned_event, pdf_bytes(), "..\\slides.pdf")
    assert "The file name contains a folder path (such as ../)." in slides.text
    assert stored_files(app) == []


def test_a_request_over_25_mb_gets_the_file_too_large_page(app, owner_client, owned_event):
    response = upload_slides(owner_client, owned_event, b"%PDF-" + b"0" * (30 * 1024 * 1024),
                             "huge.pdf")
    assert response.status_code == 413
    assert "File too large" in response.text
    assert "Please choose a smaller file and try again." in response.text
    assert stored_files(app) == []


def test_pdf_slides_are_stored_and_listed(app, owner_client, owned_event):
    response = upload_slides(owner_client, owned_event, pdf_bytes(), "deck.pdf")
    assert response.status_code == 302
    event = load_event(app, owned_event.id)
    [material] = event.materials
    assert material.kind == "slides" and material.filename.endswith(".pdf")
    page = owner_client.get(response.location).text
    assert f'href="/uploads/{material.filename}">Slides</a>' in page
    with owner_client.get(f"/uploads/{material.filename}") as served:
        assert served.data == pdf_bytes()


def test_a_png_named_pdf_is_refused_as_slides(app, owner_client, owned_event):
    response = upload_slides(owner_client, owned_event, image_bytes(), "slides.pdf")
    assert response.status_code == 200
    assert "The slides must be a PDF file." in response.text
    assert load_event(app, owned_event.id).materials == []
    assert stored_files(app) == []


def test_slides_over_20_mb_are_refused(owner_client, owned_event):
    response = upload_slides(owner_client, owned_event,
                             b"%PDF-" + b"0" * (20 * 1024 * 1024), "big.pdf")
    assert "The slides file is larger than 20 MB. Please choose a smaller file." in response.text


def test_only_stored_names_are_served(client):
    assert client.get("/uploads/..%2Fwebinar.sqlite3").status_code == 404
    assert client.get("/uploads/0123456789abcdef0123456789abcdef.jpg").status_code == 404
