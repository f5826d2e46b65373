"""attendee list indexes: an event's registrations by time and by name

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_event_created',
                              ['event_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_registration_event_name',
                              ['event_id', 'last_name', 'first_name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_event_name')
        batch_op.drop_index('ix_registration_event_created')
