"""unsubscribe: a secret per registration for one-click unsubscribe, and its time

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 10:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa

import webinar.models.types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BATCH = 1000


def _give_every_registration_a_secret():
    """Store a fresh random unsubscribe secret on each existing registration."""
    connection = op.get_bind()
    registration = sa.table('registration', sa.column('id', sa.Integer),
                            sa.column('unsubscribe_token', sa.String))
    ids = [row[0] for row in connection.execute(sa.select(registration.c.id))]
    statement = (
        registration.update()
        .where(registration.c.id == sa.bindparam('row_id'))
        .values(unsubscribe_token=sa.bindparam('secret'))
    )
    for start in range(0, len(ids), BATCH):
        connection.execute(statement, [
            {'row_id': row_id, 'secret': secrets.token_urlsafe(32)}
            for row_id in ids[start:start + BATCH]
        ])


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('unsubscribed_at', webinar.models.types.UTCDateTime(timezone=True), nullable=True))

    # New registrations get their secret from the model; existing ones get it here.
    _give_every_registration_a_secret()

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('unsubscribe_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_registration_unsubscribe_token'), ['unsubscribe_token'])
        batch_op.create_index('ix_registration_email_normalised', ['email_normalised'], unique=False)

    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_email_normalised')
        batch_op.drop_constraint(batch_op.f('uq_registration_unsubscribe_token'), type_='unique')
        batch_op.drop_column('unsubscribed_at')
        batch_op.drop_column('unsubscribe_token')
