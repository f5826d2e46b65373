"""The migration to roles per talk: every co-organiser becomes an editor, and back."""

import sqlalchemy as sa

from webinar.extensions import db


def roles_migration(app):
    """Return the Alembic script that brings roles per talk."""
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    [script] = [s for s in ScriptDirectory.from_config(config).walk_revisions()
                if s.path.endswith("_talk_roles.py")]  # fmt: skip
    return script


def rows(sql: str) -> list[tuple]:
    """Return the rows of a query, sorted, and end the read (on SQLite it holds the write lock)."""
    found = sorted(tuple(row) for row in db.session.execute(sa.text(sql)))
    db.session.rollback()
    return found


def test_co_organisers_become_editors_and_the_downgrade_gives_editors_back(
    app, make_event, make_organiser, owner
):
    from flask_migrate import downgrade, upgrade

    cora = make_organiser("cora@example.org", "Cora Co")
    vic = make_organiser("vic@example.org", "Vic Viewer")
    event = make_event(owner_id=owner)
    orphan = make_event(title="Nobody's talk")
    with app.app_context():
        script = roles_migration(app)
        downgrade(revision=script.down_revision)
        # As the co-organisers field stored them; the owner listed too, as it could be.
        db.session.execute(
            sa.text("INSERT INTO event_co_organiser (event_id, organiser_id) VALUES (:e, :o)"),
            [{"e": event.id, "o": cora}, {"e": event.id, "o": owner},
             {"e": orphan.id, "o": cora}],
        )  # fmt: skip
        db.session.commit()
        upgrade(revision=script.revision)
        assert rows("SELECT event_id, organiser_id, role FROM event_role") == sorted(
            [(event.id, cora, "editor"), (orphan.id, cora, "editor")])
        assert "event_co_organiser" not in sa.inspect(db.engine).get_table_names()

        db.session.execute(sa.text(
            "INSERT INTO event_role (event_id, organiser_id, role) VALUES (:e, :o, 'viewer')"),
            {"e": event.id, "o": vic})  # fmt: skip
        db.session.commit()
        downgrade(revision=script.down_revision)
        # A viewer never had a co-organiser's powers: the downgrade does not give them.
        assert rows("SELECT event_id, organiser_id FROM event_co_organiser") == sorted(
            [(event.id, cora), (orphan.id, cora)])
        db.session.remove()
        upgrade()
        db.session.remove()
        db.engine.dispose()
    client = app.test_client()
    from support.organisers import sign_in

    sign_in(client, "cora@example.org")
    assert client.get(f"/organiser/events/{event.id}/edit").status_code == 200
