"""email change: a new sign-in address confirmed by a single-use link

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import webinar.models.types


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('email_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', webinar.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', webinar.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', webinar.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_email_change_organiser_id_organiser'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_change')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_change_token_hash'))
    )
    with op.batch_alter_table('email_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_change_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_change_organiser_id'), ['organiser_id'], unique=False)


def downgrade():
    with op.batch_alter_table('email_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_change_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_email_change_expires_at'))

    op.drop_table('email_change')
