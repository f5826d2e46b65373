"""outbox render later, form cache: an email's language while its bodies wait to be written by the worker; a count of the changes of what a talk's form shows

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('content_version')
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('language')
