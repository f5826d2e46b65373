"""attendee search indexes: a trigram index on PostgreSQL, a covering index on SQLite

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 00:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension:
        # the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_registration_search ON registration USING gin ("
            "lower(first_name) gin_trgm_ops, lower(last_name) gin_trgm_ops,"
            " lower(first_name || ' ' || last_name) gin_trgm_ops,"
            " email_normalised gin_trgm_ops, lower(organisation) gin_trgm_ops)"
        )
    else:
        op.create_index(
            'ix_registration_event_search', 'registration',
            ['event_id', 'created_at', 'id', 'first_name', 'last_name', 'email_normalised',
             'organisation'],
        )


def downgrade():
    # The pg_trgm extension stays: other databases' objects may use it.
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_registration_search', table_name='registration')
    else:
        op.drop_index('ix_registration_event_search', table_name='registration')
