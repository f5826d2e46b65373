"""Banners and slides for the demo talks, drawn with Pillow so the repository ships no binaries."""

from __future__ import annotations

import io
import os
import random
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..uploads import BANNER_SIZE

SLIDE_SIZE = (1280, 720)

Colour = tuple[int, int, int]


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return Pillow's bundled font at a size (no system fonts needed)."""
    return ImageFont.load_default(size=size)


def gradient(size: tuple[int, int], start: Colour, end: Colour) -> Image.Image:
    """Return an image fading diagonally from one colour to another."""
    width, height = size
    # A horizontal ramp, slightly rotated and cropped, reads as a soft diagonal.
    ramp = Image.linear_gradient("L").rotate(-90).resize((width * 2, height * 2))
    mask = ramp.rotate(12, resample=Image.Resampling.BICUBIC).crop(
        (width // 2, height // 2, width // 2 + width, height // 2 + height)
    )
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def add_shapes(image: Image.Image, seed: str, accent: Colour) -> None:
    """Scatter translucent circles and rings on the right-hand side, the same for every seed."""
    rng = random.Random(seed)
    width, height = image.size
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(7):
        radius = rng.randint(height // 6, height // 2)
        x = rng.randint(width * 3 // 4, width + radius // 2)
        y = rng.randint(-radius // 2, height + radius // 2)
        box = (x - radius, y - radius, x + radius, y + radius)
        kind = rng.random()
        if kind < 0.2:
            draw.ellipse(box, fill=(*accent, rng.randint(90, 140)))
        elif kind < 0.55:
            draw.ellipse(box, fill=(255, 255, 255, rng.randint(16, 36)))
        else:
            draw.ellipse(
                box, outline=(255, 255, 255, rng.randint(50, 110)), width=rng.randint(3, 8)
            )
    # A dotted grid on the left keeps the text side quiet but not empty.
    for gx in range(60, width // 2, 40):
        for gy in range(height - 110, height - 30, 40):
            draw.ellipse((gx - 2, gy - 2, gx + 2, gy + 2), fill=(255, 255, 255, 60))
    image.paste(Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB"))


# The bundled font lacks typographic dashes and quotes; draw their plain forms.
PLAIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})


def wrap(text: str, face, max_width: int, draw: ImageDraw.ImageDraw) -> list[str]:
    """Split text into lines that fit max_width pixels."""
    text = text.translate(PLAIN)
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=face) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def draw_banner(title: str, series: str, colours: tuple[Colour, Colour, Colour]) -> Image.Image:
    """Return a 1600 x 600 banner: a gradient, a few shapes, the series and the title."""
    start, end, accent = colours
    image = gradient(BANNER_SIZE, start, end)
    add_shapes(image, title, accent)
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 110, 150, 118), fill=accent)
    draw.text((80, 140), series.upper(), font=font(34), fill=(255, 255, 255))
    title_font = font(64)
    y = 210
    for line in wrap(title, title_font, 860, draw)[:4]:
        draw.text((80, y), line, font=title_font, fill=(255, 255, 255))
        y += 78
    return image


def draw_slides(title: str, pages: list[tuple[str, list[str]]], colours) -> list[Image.Image]:
    """Return slide images: a title slide, then one per (heading, bullet points) page."""
    start, end, accent = colours
    cover = gradient(SLIDE_SIZE, start, end)
    add_shapes(cover, title + " slides", accent)
    draw = ImageDraw.Draw(cover)
    y = 240
    for line in wrap(title, font(56), 760, draw):
        draw.text((70, y), line, font=font(56), fill=(255, 255, 255))
        y += 70
    slides = [cover]
    for number, (heading, points) in enumerate(pages, start=2):
        slide = Image.new("RGB", SLIDE_SIZE, (250, 250, 247))
        draw = ImageDraw.Draw(slide)
        draw.rectangle((0, 0, SLIDE_SIZE[0], 14), fill=start)
        draw.rectangle((70, 80, 130, 86), fill=accent)
        draw.text((70, 100), heading, font=font(46), fill=start)
        y = 200
        for point in points:
            draw.ellipse((74, y + 14, 86, y + 26), fill=accent)
            for line in wrap(point, font(32), 1060, draw):
                draw.text((110, y), line, font=font(32), fill=(40, 40, 48))
                y += 44
            y += 18
        draw.text((1180, 670), str(number), font=font(22), fill=(120, 120, 128))
        slides.append(slide)
    return slides


def write_atomically(path: Path, save: Callable[[Path], None]) -> None:
    """Write a file through a temporary name, so a crash never leaves half an image."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(handle)
    try:
        save(Path(temporary))
        # mkstemp makes the file private; uploads are public files served by the app.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def save_banner(path: Path, title: str, series: str, colours) -> None:
    """Draw a banner and save it as PNG at path."""
    png = banner_png(title, series, tuple(colours))
    write_atomically(path, lambda target: target.write_bytes(png))


def save_slides(path: Path, title: str, pages: list[tuple[str, list[str]]], colours) -> None:
    """Draw slides and save them as one multi-page PDF at path."""
    frozen = tuple((heading, tuple(points)) for heading, points in pages)
    pdf = slides_pdf(title, frozen, tuple(colours))
    write_atomically(path, lambda target: target.write_bytes(pdf))


# Drawn once per process: the same talk always gets the same pictures, and a
# process that loads the demo more than once (the tests) draws them again for nothing.
@cache
def banner_png(title: str, series: str, colours) -> bytes:
    """Return the PNG file of a demo banner."""
    output = io.BytesIO()
    draw_banner(title, series, colours).save(output, "PNG")
    return output.getvalue()


@cache
def slides_pdf(title: str, pages, colours) -> bytes:
    """Return the PDF file of a demo talk's slides."""
    listed = [(heading, list(points)) for heading, points in pages]
    first, *rest = draw_slides(title, listed, colours)
    output = io.BytesIO()
    first.save(output, "PDF", save_all=True, append_images=rest, resolution=96.0, title=title)
    return output.getvalue()
