"""Conditional requests and a render cache for the public pages.

A talk page is the same for every visitor until the talk, its seats or the
time-dependent registration state change, so its HTML is cached under a key
made of exactly those (read from the database on every request). The lists of
talks and a series' page are cached the same way, under what they show: the
published talks' count and latest change, how many of them are past by now,
and the series. Several processes each keep their own cache; none can serve a
stale page, because the key changes with the rows. The same key is the page's
ETag.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flask import Flask, Response, current_app, request, session

from ..languages import current_language, kept_args


class RenderCache:
    """A small thread-safe LRU mapping of page keys to rendered HTML, encoded."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._pages: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key: str, html: bytes) -> None:
        with self._lock:
            self._pages[key] = html
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)


def init_app(app: Flask) -> None:
    """Give the app its render cache and a fingerprint of its templates."""
    app.extensions["page_cache"] = RenderCache(app.config["PAGE_CACHE_ENTRIES"])
    # A new release with changed templates must not match old ETags.
    digest = hashlib.sha256()
    for path in sorted(Path(app.template_folder).rglob("*.html")):
        digest.update(path.read_bytes())
    # And of the translations: a corrected French text must not match an old ETag.
    for path in sorted(Path(app.root_path, "translations").rglob("*.mo")):
        digest.update(path.read_bytes())
    app.extensions["templates_fingerprint"] = digest.hexdigest()[:16]


def page_key(*parts: object) -> str:
    """Return an ETag value for a page made from these parts, the templates and the language.

    The language and the query arguments the page's own links carry (the
    language switch, the alternates) are part of every key: a French page is
    never served to an English reader.
    """
    language = (current_language(), kept_args())
    text = repr((current_app.extensions["templates_fingerprint"], language, *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def cache() -> RenderCache:
    return current_app.extensions["page_cache"]


def cached_page(
    key: str, render: Callable[[], tuple[str, str]], last_modified: datetime | None = None
) -> Response:
    """Answer with the page kept under key, or 304 when the browser holds it.

    On a miss, render() returns the page and the key of what it rendered
    (read before the rendering, or from the rows it rendered: never older).
    """
    if request.if_none_match.contains(key):
        response = current_app.response_class(status=304)
        response.set_etag(key)
        return response
    # A page with a flashed message is for one visitor only: never cached.
    personal = "_flashes" in session
    # Kept encoded: a cached page goes out as it is.
    body = None if personal else cache().get(key)
    if body is None:
        key, html = render()
        body = html.encode()
        if not personal:
            cache().put(key, body)
    response = current_app.response_class(body, mimetype="text/html")
    response.set_etag(key)
    if last_modified is not None:
        response.last_modified = last_modified
    # Revalidate each time: seats, registration states and the past move without notice.
    # (Set as text: the cache_control object parses and writes the header back.)
    response.headers["Cache-Control"] = "no-cache"
    return response
