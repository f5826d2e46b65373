"""Markdown written by organisers, rendered and then sanitised for the page."""

import re
from urllib.parse import urlsplit

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# One file name under /uploads/: no "..", no further slash, no escapes that a
# browser would decode into a path elsewhere on the site.
UPLOAD_SRC = re.compile(r"/uploads/[A-Za-z0-9][A-Za-z0-9_.-]*")


def _allowed_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images only from our own uploads: a remote image would track readers.
    if tag == "img" and attribute == "src" and not UPLOAD_SRC.fullmatch(value):
        return None
    if tag == "img" and attribute == "src" and ".." in value:
        return None
    return value


def sanitise_html(html: str) -> str:
    """Keep the harmless part of some HTML: no scripts, handlers, frames or odd URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_allowed_attribute,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to safe HTML: the one way organiser text reaches a page or email."""
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    return Markup(sanitise_html(html))


def web_link(url: str | None) -> str | None:
    """Return the URL if it is an http(s) link, else None: no javascript: or data: links."""
    if url and urlsplit(url.strip()).scheme.lower() in {"http", "https"}:
        return url.strip()
    return None
