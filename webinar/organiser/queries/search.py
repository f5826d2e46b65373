"""The attendee search: who of a talk has the text in their name, address or organisation.

A search is a case-insensitive substring match (LIKE), which no B-tree index
can serve. PostgreSQL finds the matching rows in a trigram index (pg_trgm,
migration 0016). SQLite keeps a trigram full-text index of every
registration's name, address and organisation (registration_search, FTS5,
kept by triggers: migration 0024), which finds the few people who may match
without reading the others; LIKE then decides, so the people found are
exactly those LIKE finds. When the index would find very many people, reading
the event's entries of a covering index in list order is cheaper, and the
search does that instead.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, literal_column, or_, text

from ...extensions import db
from ...models import Registration
from ...models.registration import FULL_NAME
from ...models.types import SEARCH_TABLE

# What LIKE reads as wildcards, and the escape character autoescape adds.
LIKE_SPECIAL = "%_/"
# A trigram index finds only texts of three characters or more.
TRIGRAM = 3
# Beyond this many people found in the trigram index, reading them one by one
# costs more than reading the event's entries of the covering index in order.
MOST_FOUND = 25_000


def search_clause(text: str) -> ColumnElement:
    """Return the clause of the registrations whose name, email or organisation contains text.

    Each name is searched alone, and the full name only when the text has a
    space (only then can a match span the two): the same people as searching
    the full name, but each column can be read from an index.
    """
    ignoring_case = db.session.get_bind().dialect.name == "sqlite"

    def folded(column: ColumnElement) -> ColumnElement:
        # SQLite's LIKE ignores the case of ASCII letters, the only ones its
        # lower() changes: the same matches without a function call per row.
        return column if ignoring_case else func.lower(column)

    columns = [
        folded(Registration.first_name),
        folded(Registration.last_name),
        # Stored in lower case already: no lower() needed.
        Registration.email_normalised,
        folded(Registration.organisation),
    ]
    if " " in text:
        columns.append(folded(FULL_NAME))
    # Escaping only when the text holds a wildcard or the escape character: an
    # ESCAPE clause costs SQLite a tenth of the search, four times a row.
    escaped = any(character in text for character in LIKE_SPECIAL)
    return or_(*(column.contains(text, autoescape=escaped) for column in columns))


def indexed_matches(text: str) -> ColumnElement | None:
    """Return the clause of the registrations SQLite's trigram index finds for text, or None.

    The index folds the case of every letter, LIKE only of ASCII ones, so it
    finds everyone LIKE finds, and perhaps some more: the caller keeps the
    LIKE clause too. None when the database has no such index, when the text
    is too short for trigrams, or when the index finds so many people that
    reading the event's index entries in order is cheaper.
    """
    # FTS5 ends a quoted text at a NUL (an error); LIKE, which reads it, decides alone.
    if db.session.get_bind().dialect.name != "sqlite" or len(text) < TRIGRAM or "\x00" in text:
        return None
    # A phrase: the text's trigrams side by side, in order. Inside the quotes
    # only a quote means anything to FTS5, written twice to stand for itself.
    phrase = '"' + text.replace('"', '""') + '"'
    found = text_match(phrase)
    counted = db.session.scalar(
        db.select(func.count()).select_from(found.limit(MOST_FOUND + 1).subquery())
    )
    return Registration.id.in_(found) if counted <= MOST_FOUND else None


def text_match(phrase: str):
    """Return the query of the ids of the registrations the trigram index finds for phrase."""
    return (
        db.select(literal_column("rowid"))
        .select_from(text(SEARCH_TABLE))
        .where(text(f"{SEARCH_TABLE} MATCH :phrase").bindparams(phrase=phrase))
    )
