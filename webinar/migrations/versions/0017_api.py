"""api: tokens, their talks, idempotent requests; attendance and change times of registrations

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from webinar.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organiser_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('scopes', sa.String(length=40), nullable=False),
        sa.Column('limited', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_api_token_organiser_id_organiser'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash')),
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_organiser_id'), ['organiser_id'], unique=False)

    op.create_table(
        'api_token_event',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_api_token_event_event_id_event'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_api_token_event_token_id_api_token'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_id', 'event_id', name=op.f('pk_api_token_event')),
    )

    op.create_table(
        'idempotent_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('response_body', sa.Text(), nullable=True),
        sa.Column('mimetype', sa.String(length=100), nullable=True),
        sa.Column('location', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_idempotent_request_token_id_api_token'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_request')),
    )
    with op.batch_alter_table('idempotent_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotent_request_created_at'), ['created_at'], unique=False)
        batch_op.create_index('uq_idempotent_request_token_key', ['token_id', 'key'], unique=True)

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attended_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_at', UTCDateTime(timezone=True), nullable=True))
    # The last change known of an existing row: its cancellation, or its creation.
    op.execute("UPDATE registration SET updated_at = COALESCE(cancelled_at, created_at)")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=UTCDateTime(timezone=True), nullable=False)
        batch_op.create_index('ix_registration_event_updated', ['event_id', 'updated_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_event_updated')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('attended_at')
    op.drop_table('idempotent_request')
    op.drop_table('api_token_event')
    op.drop_table('api_token')
