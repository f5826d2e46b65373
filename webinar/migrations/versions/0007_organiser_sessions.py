"""organiser sessions: the server's half of each signed-in organiser's cookie

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import webinar.models.types


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organiser_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('created_at', webinar.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', webinar.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_organiser_session_organiser_id_organiser'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organiser_session'))
    )
    with op.batch_alter_table('organiser_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organiser_session_organiser_id'), ['organiser_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organiser_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organiser_session_organiser_id'))

    op.drop_table('organiser_session')
