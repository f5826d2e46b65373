"""outbox render later, form cache: an email's language while its bodies wait to be written by the worker; when what a talk's form shows last changed

Revision ID: 0023
Revises: 0021
Create Date: 2026-11-30 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import webinar.models.types


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_updated_at', webinar.models.types.UTCDateTime(timezone=True), nullable=True))
    op.execute('UPDATE event SET content_updated_at = updated_at')


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('content_updated_at')
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('language')
