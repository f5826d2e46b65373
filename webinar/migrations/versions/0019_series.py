"""series: the free-text series of talks become series of their own

Talks whose series text gives the same slug ("EU Clusters Talk", "EU clusters
talk ") join one series, named by the spelling most of them use. A talk
whose text differs from that name keeps its own text as its label, so every
talk still shows what it showed. The owners of a series' talks become the
series' owners; its defaults for new talks come from its latest talk.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 23:55:00.000000

"""
from collections import Counter
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

SLUG_LENGTH = 80
# Copied from the talks' defaults, latest talk first.
DEFAULTS = ("organised_by", "event_type", "target_audience", "capacity",
            "waitlist_enabled", "reminder_24h", "reminder_1h")


def slugify(text):
    """Return lowercase a-z, 0-9 and single hyphens made from text ("" when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_LENGTH].rstrip("-")


def upgrade():
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('banner', sa.String(length=200), nullable=True),
    sa.Column('banner_alt', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('organised_by', sa.String(length=300), nullable=False),
    sa.Column('event_type', sa.String(length=80), nullable=False),
    sa.Column('target_audience', sa.String(length=300), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('waitlist_enabled', sa.Boolean(), nullable=False),
    sa.Column('reminder_24h', sa.Boolean(), nullable=False),
    sa.Column('reminder_1h', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('slug', name=op.f('uq_series_slug'))
    )
    op.create_table('series_role',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], name=op.f('fk_series_role_organiser_id_organiser'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_series_role_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', 'organiser_id', name=op.f('pk_series_role'))
    )
    with op.batch_alter_table('series_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_role_organiser_id'), ['organiser_id'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('series', new_column_name='series_label',
                              existing_type=sa.String(length=120), existing_nullable=False)
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_series_id_series'), 'series', ['series_id'], ['id'], ondelete='SET NULL')

    make_series(op.get_bind())


def make_series(connection):
    """Make one series per slug of the talks' series texts and attach each talk to its own."""
    talks = connection.execute(sa.text(
        "SELECT id, series_label, owner_id, " + ", ".join(DEFAULTS) +
        " FROM event WHERE TRIM(series_label) <> '' ORDER BY starts_at DESC, id DESC"
    )).mappings().all()
    groups = {}
    for talk in talks:
        text = talk["series_label"].strip()
        # A text with no letter a-z or digit (say, in another script) is a series of its own.
        key = slugify(text) or ("", text)
        groups.setdefault(key, []).append(talk)

    taken = set()
    now = sa.func.current_timestamp()
    series_table = sa.table('series', *[sa.column(name) for name in (
        'id', 'name', 'slug', 'description', 'banner_alt', 'language', 'created_at',
        'updated_at', *DEFAULTS)])
    # Slugs go out in the order the series began: the series of the first talk stored gets "series".
    for key, members in sorted(groups.items(), key=lambda item: min(t["id"] for t in item[1])):
        spellings = Counter(talk["series_label"].strip() for talk in members)
        # The most used spelling; among equals, the one of the latest talk.
        name = max(spellings, key=lambda text: (spellings[text], -next(
            index for index, talk in enumerate(members) if talk["series_label"].strip() == text)))
        base = key if isinstance(key, str) else "series"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base[:SLUG_LENGTH - 1 - len(str(number))]}-{number}"
        taken.add(slug)
        latest = members[0]
        series_id = connection.execute(
            series_table.insert().values(
                name=name, slug=slug, description='', banner_alt='', language='en',
                created_at=now, updated_at=now, **{field: latest[field] for field in DEFAULTS},
            ).returning(series_table.c.id)
        ).scalar_one()
        for talk in members:
            # The series' name is the label of the talks that spelled it so.
            label = '' if talk["series_label"] == name else talk["series_label"]
            connection.execute(
                sa.text("UPDATE event SET series_id = :series, series_label = :label WHERE id = :id"),
                {"series": series_id, "label": label, "id": talk["id"]},
            )
        for owner_id in sorted({talk["owner_id"] for talk in members} - {None}):
            connection.execute(
                sa.text("INSERT INTO series_role (series_id, organiser_id, role) "
                        "VALUES (:series, :organiser, 'owner')"),
                {"series": series_id, "organiser": owner_id},
            )


def downgrade():
    # Every talk of a series gets its label back as free text: its own, or the series' name.
    op.execute(
        "UPDATE event SET series_label = (SELECT series.name FROM series"
        " WHERE series.id = event.series_id)"
        " WHERE series_id IS NOT NULL AND series_label = ''"
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_series_id_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_series_id'))
        batch_op.drop_column('series_id')
        batch_op.alter_column('series_label', new_column_name='series',
                              existing_type=sa.String(length=120), existing_nullable=False)

    with op.batch_alter_table('series_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_role_organiser_id'))

    op.drop_table('series_role')
    op.drop_table('series')
