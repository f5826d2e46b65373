"""answer probe index: a person's answers to one question side by side, for the filtered search

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 03:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(
            'ix_answer_question_registration', ['question_id', 'registration_id', 'option_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_question_registration')
