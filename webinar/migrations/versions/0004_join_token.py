"""join token: the join link gets a secret of its own, apart from the personal link

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

registration = sa.table('registration', sa.column('id', sa.Integer),
                        sa.column('join_token', sa.String))


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_token', sa.String(length=64), nullable=True))

    # A random secret for each existing row, made here in Python: both databases
    # alike, and no value shared between rows. Old join links (with the personal
    # token) keep joining through the view's fallback.
    connection = op.get_bind()
    ids = connection.execute(sa.select(registration.c.id)).scalars().all()
    if ids:
        connection.execute(
            sa.update(registration)
            .where(registration.c.id == sa.bindparam('row_id'))
            .values(join_token=sa.bindparam('secret')),
            [{'row_id': row_id, 'secret': secrets.token_urlsafe(32)} for row_id in ids],
        )

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('join_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_registration_join_token'), ['join_token'])


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registration_join_token'), type_='unique')
        batch_op.drop_column('join_token')
