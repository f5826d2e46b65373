"""Conditional requests and a render cache for the public talk page.

A talk page is the same for every visitor until the talk, its seats or the
time-dependent registration state change, so its HTML is cached under a key
made of exactly those (read from the database on every request). Several
processes each keep their own cache; none can serve a stale page, because the
key changes with the row. The same key is the page's ETag.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Flask, current_app

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
