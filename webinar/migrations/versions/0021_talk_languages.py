"""talk languages: a talk's default and other languages and its texts and announcements in them; a registrant's and an organiser's language

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 00:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# The rows whose texts can be written per language.
TRANSLATED = ('event', 'speaker', 'material', 'question', 'question_option', 'announcement')
# The rows that say which language a person or a talk uses.
WITH_LANGUAGE = ('event', 'registration', 'organiser')


def upgrade():
    for table in WITH_LANGUAGE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_languages', sa.JSON(), server_default='[]', nullable=False))
    for table in TRANSLATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    for table in TRANSLATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('translations')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('other_languages')
    for table in WITH_LANGUAGE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
