"""registration search on SQLite: a trigram full-text index of names, addresses and organisations

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 06:45:00.000000

PostgreSQL has its trigram index since 0016; SQLite gets an FTS5 table with the
trigram tokenizer, filled from the registrations already there and kept by
triggers on every INSERT, UPDATE and DELETE of a registration (an erasure is
an UPDATE, a retention purge a DELETE), so it holds only what the rows hold.

A later migration that rebuilds the registration table on SQLite (a batch
operation: copy, drop, rename) drops these triggers with the old table: it
must create them again, and refill the index if the ids change.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

# The searched text of a registration: the full name (each name and the two
# side by side), the normalised address and the organisation.
COLUMNS = "name, email, organisation"


def values(row: str) -> str:
    return (f"{row}.id, {row}.first_name || ' ' || {row}.last_name,"
            f" {row}.email_normalised, {row}.organisation")


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"CREATE VIRTUAL TABLE registration_search USING fts5({COLUMNS}, tokenize='trigram')"
    )
    op.execute(
        f"INSERT INTO registration_search(rowid, {COLUMNS}) SELECT {values('registration')}"
        " FROM registration"
    )
    op.execute(
        "CREATE TRIGGER registration_search_insert AFTER INSERT ON registration BEGIN"
        f" INSERT INTO registration_search(rowid, {COLUMNS}) VALUES ({values('new')}); END"
    )
    op.execute(
        "CREATE TRIGGER registration_search_update"
        " AFTER UPDATE OF first_name, last_name, email_normalised, organisation"
        " ON registration BEGIN"
        " DELETE FROM registration_search WHERE rowid = old.id;"
        f" INSERT INTO registration_search(rowid, {COLUMNS}) VALUES ({values('new')}); END"
    )
    op.execute(
        "CREATE TRIGGER registration_search_delete AFTER DELETE ON registration BEGIN"
        " DELETE FROM registration_search WHERE rowid = old.id; END"
    )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER registration_search_{trigger}")
    op.execute("DROP TABLE registration_search")
