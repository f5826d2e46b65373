"""Building blocks for event tests: the reference talk's parts and ways to attach them."""

from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from webinar.extensions import db
from webinar.models import Event, Material, Speaker, Topic

BRUSSELS = ZoneInfo("Europe/Brussels")

REFERENCE_SPEAKERS = [
    ("Davide Lombardo", "Acting Head of the STEP Task Force", "DG BUDG, European Commission"),
    ("Ben Jorgensen", "Chief Project Manager", "CLEAN"),
    ("Elvis Bajric", "Business Developer", "High Tech NL Robotics"),
    ("Mike Richardson", "Senior Project Manager", "OpTecBB"),
    ("Stamatiki Kritas", "Business Development Manager", "Hellenic Bio Cluster"),
]

REFERENCE_FIELDS = {
    "slug": "step-strategic-technologies-for-europe-platform",
    "title": "STEP: Strategic Technologies for Europe Platform",
    "series_label": "EU Clusters Talk",
    "event_type": "Online talk",
    "target_audience": "Cluster managers and cluster members",
    "organised_by": "European Cluster Collaboration Platform, for the European Commission",
    "summary": "How STEP steers EU funds towards critical technologies.",
    "description": (
        "STEP points EU money at **critical technologies**.\n\n"
        "- Deep and digital technologies\n"
        "    - quantum\n"
        "    - robotics\n"
        "- Clean technologies\n"
        "- Biotechnologies\n"
    ),
    "starts_at": datetime(2023, 12, 6, 8, 30, tzinfo=BRUSSELS),
    "ends_at": datetime(2023, 12, 6, 9, 45, tzinfo=BRUSSELS),
    "timezone": "Europe/Brussels",
    "location": "Virtual Event",
    "banner": "step-banner.png",
    "banner_alt": "STEP banner: chips, wind turbines and a DNA helix",
    "recording_url": "https://video.example.org/step-talk",
    "post_summary": "## Key takeaways\n\n- STEP uses existing programmes\n- Clusters can help",
}

# The smallest valid PNG: one transparent pixel.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def add_speakers(app, event_id: int, speakers) -> None:
    """Give an event its speakers, in the order given."""
    with app.app_context():
        for position, (name, role, organisation) in enumerate(speakers):
            db.session.add(
                Speaker(
                    event_id=event_id,
                    position=position,
                    name=name,
                    role=role,
                    organisation=organisation,
                )
            )
        db.session.commit()


def add_topics(app, event_id: int, *names: str) -> None:
    """Tag an event with topics, creating the topics that do not exist yet."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        for name in names:
            slug = name.lower().replace(" ", "-")
            topic = db.session.scalar(db.select(Topic).where(Topic.slug == slug))
            event.topics.append(topic or Topic(slug=slug, name=name))
        db.session.commit()


def add_material(app, event_id: int, **fields) -> None:
    """Attach a material (slides file or link) to an event."""
    with app.app_context():
        db.session.add(Material(event_id=event_id, **fields))
        db.session.commit()


def write_upload(app, name: str, content: bytes) -> None:
    """Put a file in the upload folder, as an organiser's upload would."""
    from pathlib import Path

    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)


def create_reference_event(app, make_event) -> Event:
    """Create the reference talk of 6 December 2023 with speakers, topics, banner and slides."""
    event = make_event(**REFERENCE_FIELDS)
    add_speakers(app, event.id, REFERENCE_SPEAKERS)
    add_topics(app, event.id, "Deep and digital technologies", "Clean technologies")
    add_material(app, event.id, kind="slides", title="Slides of the talk", filename="step.pdf")
    write_upload(app, "step-banner.png", PNG_BYTES)
    write_upload(app, "step.pdf", b"%PDF-1.4\n%%EOF\n")
    return event


@contextmanager
def counted_queries(app):
    """Collect the SQL statements the app runs inside the block into the list it gives."""
    from sqlalchemy import event as sa_event

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_args):
        # SQLite's explicit BEGIN (webinar.database) is not a query.
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def queries_to_show(app, client, path: str) -> int:
    """Return how many SQL statements the app runs to answer GET path (which must be 200)."""
    with counted_queries(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)
