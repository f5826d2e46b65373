"""sensitive answers: an answer keeps whether its question was sensitive, once removed too

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Answers to current questions take their question's flag; a removed
    # question's is no longer known.
    op.execute(
        "UPDATE answer SET question_sensitive = (SELECT question.sensitive FROM question"
        " WHERE question.id = answer.question_id) WHERE question_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('question_sensitive')
