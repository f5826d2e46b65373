"""organiser administration: invitations, deactivated accounts

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import webinar.models.types


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', webinar.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', webinar.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', webinar.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', webinar.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', webinar.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['email_id'], ['outbox_email.id'], name=op.f('fk_invitation_email_id_outbox_email'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['organiser.id'], name=op.f('fk_invitation_invited_by_id_organiser'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('uq_invitation_open_email', ['email'], unique=True, sqlite_where=sa.text('accepted_at IS NULL AND revoked_at IS NULL'), postgresql_where=sa.text('accepted_at IS NULL AND revoked_at IS NULL'))

    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', webinar.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('uq_invitation_open_email', sqlite_where=sa.text('accepted_at IS NULL AND revoked_at IS NULL'), postgresql_where=sa.text('accepted_at IS NULL AND revoked_at IS NULL'))

    op.drop_table('invitation')
