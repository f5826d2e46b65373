"""The translation catalogs: compiled before the tests, read by the tests of the catalogs."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOGS = Path(__file__).resolve().parents[2] / "webinar" / "translations"


def catalog(language: str) -> Catalog:
    """Read one language's messages.po."""
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def compile_stale_catalogs() -> None:
    """Compile each .po newer than its .mo, as `make test` does, for a plain `pytest` run."""
    for po in CATALOGS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with mo.open("wb") as compiled:
                write_mo(compiled, catalog(po.parts[-3]))


def pytest_configure(config) -> None:
    # Once, in the main process: the test processes of pytest-xdist start after it.
    if not hasattr(config, "workerinput"):
        compile_stale_catalogs()


# Pages in English whatever the reader's language: the API's reference, made
# from the API's own description (the API answers in English only).
ENGLISH_ONLY_PAGES = {"/api/v1/docs"}
