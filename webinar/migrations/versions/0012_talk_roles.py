"""roles per talk: editors and viewers replace co-organisers

Every co-organiser becomes an editor (they could change everything but
roles before); the downgrade turns every editor back into a co-organiser.
Viewers are dropped by the downgrade: a co-organiser could change
everything, more than a viewer was ever given.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_role',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_role_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_event_role_organiser_id_organiser'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'organiser_id', name=op.f('pk_event_role'))
    )
    with op.batch_alter_table('event_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_role_organiser_id'), ['organiser_id'], unique=False)

    # A co-organiser who also owns the talk needs no role: the owner is event.owner_id.
    op.execute(
        "INSERT INTO event_role (event_id, organiser_id, role) "
        "SELECT c.event_id, c.organiser_id, 'editor' FROM event_co_organiser AS c "
        "JOIN event AS e ON e.id = c.event_id "
        "WHERE e.owner_id IS NULL OR e.owner_id <> c.organiser_id"
    )
    op.drop_table('event_co_organiser')


def downgrade():
    op.create_table('event_co_organiser',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_co_organiser_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_event_co_organiser_organiser_id_organiser'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'organiser_id', name=op.f('pk_event_co_organiser'))
    )
    op.execute(
        "INSERT INTO event_co_organiser (event_id, organiser_id) "
        "SELECT event_id, organiser_id FROM event_role WHERE role = 'editor'"
    )
    with op.batch_alter_table('event_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_role_organiser_id'))

    op.drop_table('event_role')
