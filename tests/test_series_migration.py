"""The migration to series of their own: free-text series become series, every talk attached."""

import sqlalchemy as sa

from webinar.extensions import db
from webinar.models import Event, Series, SeriesRole

# Each talk's free text, as the previous version stored it.
TEXTS = {
    "next-eu-talk": "EU Clusters Talk",
    "past-eu-talk": "EU Clusters Talk",
    "lowercase-eu-talk": "EU clusters talk ",
    "academy-talk": "Cluster Academy",
    "cafe-talk": "Matchmaking: Café",
    "greek-talk": "Συνάντηση",
    "chinese-talk": "集群",
    "lonely-talk": "",
}


def series_migration(app):
    """Return the Alembic script that brings series of their own."""
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    [script] = [s for s in ScriptDirectory.from_config(config).walk_revisions()
                if s.path.endswith("_series.py")]  # fmt: skip
    return script


def old_texts() -> dict[str, str]:
    """Return {talk slug: series text} of the previous version's table, and end the read."""
    found = dict(db.session.execute(sa.text("SELECT slug, series FROM event")).all())
    db.session.rollback()
    return found


def test_free_text_series_become_series_with_every_talk_attached_and_labelled_as_before(
    app, make_event, make_organiser, owner
):
    from flask_migrate import downgrade, upgrade
    from support.factories import in_days

    cora = make_organiser("cora@example.org", "Cora Co")
    owners = {"past-eu-talk": cora, "academy-talk": None, "chinese-talk": cora}
    starts = {"past-eu-talk": in_days(-30), "lowercase-eu-talk": in_days(-60)}
    for slug in TEXTS:
        make_event(slug=slug, series_label="", owner_id=owners.get(slug, owner),
                   starts_at=starts.get(slug, in_days(20)), capacity=None)  # fmt: skip
    make_event(slug="newest-eu-talk", series_label="", owner_id=owner, starts_at=in_days(40),
               capacity=80, waitlist_enabled=True, organised_by="ECCP", reminder_1h=False)
    texts = dict(TEXTS, **{"newest-eu-talk": "EU Clusters Talk"})
    with app.app_context():
        # The version before series: the database the migration finds.
        script = series_migration(app)
        previous = script.down_revision
        downgrade(revision=previous)
        for slug, text in texts.items():
            db.session.execute(sa.text("UPDATE event SET series = :text WHERE slug = :slug"),
                               {"text": text, "slug": slug})  # fmt: skip
        db.session.commit()
        # Up to the newest version: the models read the columns later versions add.
        upgrade()
        db.session.remove()

        talks = {event.slug: event for event in db.session.scalars(db.select(Event))}
        # Every talk shows the words it showed before, to the space.
        assert {slug: talk.series_name for slug, talk in talks.items()} == texts
        slugs = {slug: talk.series and talk.series.slug for slug, talk in talks.items()}
        assert slugs == {
            "next-eu-talk": "eu-clusters-talk", "past-eu-talk": "eu-clusters-talk",
            "lowercase-eu-talk": "eu-clusters-talk", "newest-eu-talk": "eu-clusters-talk",
            "academy-talk": "cluster-academy", "cafe-talk": "matchmaking-cafe",
            # Names with no letter a-z get a plain slug each, never one series together.
            "greek-talk": "series", "chinese-talk": "series-2", "lonely-talk": None,
        }  # fmt: skip
        series = {row.slug: row for row in db.session.scalars(db.select(Series))}
        assert {slug: row.name for slug, row in series.items()} == {
            "eu-clusters-talk": "EU Clusters Talk", "cluster-academy": "Cluster Academy",
            "matchmaking-cafe": "Matchmaking: Café", "series": "Συνάντηση", "series-2": "集群",
        }  # fmt: skip
        # The variant spelling stays on its talk; the others follow the series' name.
        assert talks["lowercase-eu-talk"].series_label == "EU clusters talk "
        assert talks["next-eu-talk"].series_label == ""
        eu = series["eu-clusters-talk"]
        # Its defaults for new talks come from its latest talk.
        assert (eu.organised_by, eu.capacity, eu.waitlist_enabled, eu.reminder_24h,
                eu.reminder_1h, eu.language) == ("ECCP", 80, True, True, False, "en")  # fmt: skip
        roles = sorted(db.session.execute(db.select(
            SeriesRole.series_id, SeriesRole.organiser_id, SeriesRole.role)).all())  # fmt: skip
        assert roles == sorted([
            (eu.id, owner, "owner"), (eu.id, cora, "owner"),
            (series["matchmaking-cafe"].id, owner, "owner"), (series["series"].id, owner, "owner"),
            (series["series-2"].id, cora, "owner"),
        ])  # fmt: skip
        db.session.remove()

        # And back: the previous version finds every talk's text where it was.
        downgrade(revision=previous)
        assert old_texts() == texts
        db.session.remove()
        upgrade()
        db.session.remove()
        db.engine.dispose()
