"""The cached pages' key reads on the driver's cursor give what SQLAlchemy gives, and leave
their connection as they found it."""

from datetime import UTC, datetime

from support.eventdata import counted_queries

from webinar.events import queries
from webinar.extensions import db
from webinar.models import Event


def test_a_key_read_gives_the_row_sqlalchemy_gives(app, make_event, make_series):
    series = make_series()
    event = make_event(
        series_id=series.id, capacity=20, language="de", other_languages=["en", "fr"],
        registration_closes_at=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
    )  # fmt: skip
    with app.app_context():
        fast = queries._PAGE_VERSION.one_or_none(db.engine, slug=event.slug)
        with db.engine.connect() as connection:
            expected = connection.execute(
                queries._PAGE_VERSION.statement, {"slug": event.slug}
            ).one()
        listing = queries.listing_version()
        with db.engine.connect() as connection:
            expected_listing = connection.execute(
                queries._LISTING_VERSION.statement, {"now": datetime.now(UTC)}
            ).one()
    assert fast._asdict() == expected._asdict()
    assert fast.other_languages == ["en", "fr"]
    assert fast.registration_closes_at == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert fast.series_updated_at.tzinfo is not None
    assert tuple(listing)[:3] == tuple(expected_listing)[:3]


def test_an_unknown_slug_reads_no_row(app):
    with app.app_context():
        assert queries._PAGE_VERSION.one_or_none(db.engine, slug="no-such-talk") is None


def test_a_change_rolled_back_after_a_key_read_is_not_kept(app, make_event):
    # On PostgreSQL the read runs in autocommit: its connection must go back
    # to the pool in transactions again, or a rollback would undo nothing.
    event = make_event(title="Before")
    with app.app_context():
        for _ in range(3):
            queries.public_event_version(event.slug)
        db.session.execute(db.update(Event).where(Event.id == event.id).values(title="After"))
        db.session.rollback()
        assert db.session.get(Event, event.id).title == "Before"


def test_counting_the_statements_changes_no_page_key(app, client, make_event):
    # While a test counts statements the read goes through SQLAlchemy's
    # Connection: the same row, so the same ETag and the cached page.
    event = make_event()
    for path in ("/", f"/events/{event.slug}"):
        etag = client.get(path).headers["ETag"]
        with counted_queries(app) as statements:
            response = client.get(path)
        assert response.headers["ETag"] == etag
        assert len(statements) == 1, path
