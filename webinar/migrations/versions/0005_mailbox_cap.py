"""mailbox cap: the canonical mailbox of each outbox email, indexed for the hourly count

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Older rows keep an empty mailbox: the cap counts the last hour only.
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mailbox', sa.String(length=254), server_default='',
                                      nullable=False))
        batch_op.create_index('ix_outbox_email_mailbox_created', ['mailbox', 'created_at'],
                              unique=False)


def downgrade():
    op.execute("UPDATE outbox_email SET status = 'failed' WHERE status = 'held'")
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_email_mailbox_created')
        batch_op.drop_column('mailbox')
