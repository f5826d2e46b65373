"""Demo talks for a newcomer's first `make run`: `flask --app app demo`."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from flask import current_app

from ..extensions import db
from ..models import Event, EventStatus, Material, Series, SeriesRole, Speaker, Topic, utcnow
from ..organiser.services.accounts import create_demo_organiser, find_organiser
from ..organiser.services.talk_data import slugify
from .artwork import save_banner, save_slides
from .followers import add_demo_followers
from .languages import apply_languages, apply_question_languages
from .questions import add_demo_questions
from .talks import SERIES, TOPICS, demo_talks

# Keys of a demo talk that are not Event columns.
EXTRAS = ("series", "speakers", "topics", "colours", "slides")


def banner_name(slug: str) -> str:
    """Return the stable file name of a demo talk's banner."""
    return f"demo-{slug}.png"


def slides_name(slug: str) -> str:
    """Return the stable file name of a demo talk's slides."""
    return f"demo-{slug}-slides.pdf"


class DemoLoad(NamedTuple):
    """What `load_demo` did: events created, and the demo organiser's sign-in."""

    created: int
    organiser_email: str
    # Only when the account was created by this run: it is never stored in clear.
    organiser_password: str | None


def load_demo() -> DemoLoad:
    """Load the demo talks and their organiser; say how many events were created.

    The upcoming talks ask registration questions of their own.

    Talks and topics are matched by slug, so a second run adds nothing. Banner
    and slide files are drawn again whenever they are missing, even for talks
    already in the database (a fresh checkout of a copied database, say). The
    demo organiser gets a random password, given back once, when it is created.
    """
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    uploads.mkdir(parents=True, exist_ok=True)
    topics = ensure_topics()
    created = 0
    for talk in demo_talks():
        draw_missing_files(talk, uploads)
        exists = db.session.scalar(db.select(Event.id).where(Event.slug == talk["slug"]))
        if exists is None:
            event = build_event(talk, topics)
            event.series = ensure_series(talk)
            db.session.add(event)
            if event.starts_at > utcnow():
                add_demo_questions(event)
                apply_question_languages(event)
            created += 1
    db.session.flush()
    add_demo_followers()
    db.session.commit()
    email, password = create_demo_organiser()
    own_unowned_series(find_organiser(email))
    return DemoLoad(created, email, password)


def ensure_topics() -> dict[str, Topic]:
    """Return the demo topics by slug, creating the ones that are missing."""
    found = {
        topic.slug: topic
        for topic in db.session.scalars(
            db.select(Topic).where(Topic.slug.in_([slug for slug, _ in TOPICS]))
        )
    }
    for slug, name in TOPICS:
        if slug not in found:
            found[slug] = Topic(slug=slug, name=name)
            db.session.add(found[slug])
    return found


def ensure_series(talk: dict) -> Series:
    """Return the series of a demo talk, creating it (with the talk's settings) when missing."""
    name = talk["series"]
    slug = slugify(name)
    series = db.session.scalar(db.select(Series).where(Series.slug == slug))
    if series is None:
        defaults = {key: talk[key] for key in ("event_type", "target_audience", "organised_by")}
        series = Series(name=name, slug=slug, description=SERIES[name], **defaults)
        db.session.add(series)
        db.session.flush()
    return series


def own_unowned_series(organiser) -> None:
    """Make the demo organiser the owner of every series that has no owner."""
    owned = db.select(SeriesRole.series_id).where(SeriesRole.role == "owner")
    for series_id in db.session.scalars(db.select(Series.id).where(Series.id.not_in(owned))):
        db.session.add(SeriesRole(series_id=series_id, organiser_id=organiser.id, role="owner"))
    db.session.commit()


def build_event(talk: dict, topics: dict[str, Topic]) -> Event:
    """Return a new published Event, with speakers, topics and slides, for a demo talk."""
    columns = {key: value for key, value in talk.items() if key not in EXTRAS}
    event = Event(**columns, status=EventStatus.PUBLISHED, banner=banner_name(talk["slug"]))
    event.speakers = [
        Speaker(position=position, name=name, role=role, organisation=organisation)
        for position, (name, role, organisation) in enumerate(talk["speakers"], start=1)
    ]
    event.topics = [topics[slug] for slug in talk["topics"]]
    if talk.get("slides"):
        event.materials = [
            Material(
                position=1,
                kind="slides",
                title="Presentation slides (PDF)",
                filename=slides_name(talk["slug"]),
            )
        ]
    apply_languages(event, talk["slug"])
    return event


def draw_missing_files(talk: dict, uploads: Path) -> None:
    """Draw the banner and slides of a demo talk when their files are not there."""
    banner = uploads / banner_name(talk["slug"])
    if not banner.exists():
        save_banner(banner, talk["title"], talk["series"], talk["colours"])
    if talk.get("slides"):
        slides = uploads / slides_name(talk["slug"])
        if not slides.exists():
            save_slides(slides, talk["title"], talk["slides"], talk["colours"])
