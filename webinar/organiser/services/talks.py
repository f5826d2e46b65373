"""The event form: filling it from an event, checking it, and writing it back."""

import re
import unicodedata
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import flash
from flask_login import current_user

from ... import seats
from ...extensions import db
from ...lifecycle import enqueue_event_updated
from ...models import Event, Organiser, Topic
from ...uploads import UploadError, save_banner
from ..forms import EventForm
from .accounts import find_organiser


class LocalTimeError(ValueError):
    """A wall-clock time that the time zone skips or repeats."""


def slugify(text: str, max_length: int = 80) -> str:
    """Return a URL slug of lowercase a-z, 0-9 and single hyphens made from text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "talk"


def unique_slug(base: str, event_id: int | None) -> str:
    """Return base, or base-2, base-3, ... whichever no other event uses."""
    taken = set(
        db.session.scalars(
            db.select(Event.slug).where(
                (Event.slug == base) | Event.slug.like(f"{base}-%"),
                Event.id != (event_id or 0),
            )
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def local_to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """Return the UTC instant of a wall-clock time in a zone, refusing skipped or repeated times."""
    zone = ZoneInfo(zone_name)
    naive = datetime.combine(day, clock)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        when = f"{clock:%H:%M} on {day:%d %B %Y} in {zone_name}"
        if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            raise LocalTimeError(
                f"{when} does not exist: the clocks go forward that night. Choose another time."
            )
        raise LocalTimeError(
            f"{when} happens twice: the clocks go back that night. Choose another time."
        )
    return first.astimezone(UTC)


def new_event_form(**kwargs) -> EventForm:
    """Return the event form with the existing topics as choices."""
    form = EventForm(**kwargs)
    topics = db.session.scalars(db.select(Topic).order_by(Topic.name)).all()
    form.topics.choices = [(topic.id, topic.name) for topic in topics]
    return form


def _local_parts(moment: datetime | None, zone: ZoneInfo) -> tuple[date | None, time | None]:
    if moment is None:
        return None, None
    local = moment.astimezone(zone)
    return local.date(), local.time().replace(tzinfo=None)


def form_data_of(event: Event) -> dict:
    """Return the form's initial data for an existing event."""
    data = {
        name: getattr(event, name)
        for name in (
            "title", "slug", "series", "event_type", "target_audience", "organised_by",
            "summary", "description", "timezone", "location", "join_url", "capacity",
            "waitlist_enabled", "recording_url", "post_summary", "reminder_24h",
            "reminder_1h", "banner_alt",
        )
    }  # fmt: skip
    zone = event.zone
    for prefix, moment in (
        ("starts", event.starts_at),
        ("ends", event.ends_at),
        ("registration_opens", event.registration_opens_at),
        ("registration_closes", event.registration_closes_at),
    ):
        data[f"{prefix}_on"], data[f"{prefix}_time"] = _local_parts(moment, zone)
    data["topics"] = [topic.id for topic in event.topics]
    data["co_organisers"] = ", ".join(o.email for o in event.co_organisers)
    return data


def copied_fields(source: Event, names: tuple[str, ...]) -> dict:
    """Return the initial data of a new event that copies these fields of source."""
    data = {name: getattr(source, name) for name in names if name != "topics"}
    if "topics" in names:
        data["topics"] = [topic.id for topic in source.topics]
    return data


def _moment(form: EventForm, prefix: str, zone_name: str, required: bool) -> datetime | None:
    """Read a date + time pair of the form as UTC, putting any error on the time field."""
    day, clock = form[f"{prefix}_on"], form[f"{prefix}_time"]
    if day.errors or clock.errors:
        return None
    if day.data is None and clock.data is None and not required:
        return None
    if day.data is None or clock.data is None:
        target = day if day.data is None else clock
        target.errors.append("Enter both the date and the time, or neither.")
        return None
    try:
        return local_to_utc(day.data, clock.data, zone_name)
    except LocalTimeError as error:
        clock.errors.append(str(error))
        return None


def _co_organisers(form: EventForm, owner_id: int | None) -> list[Organiser]:
    """Return the organisers named by email on the form, noting unknown emails."""
    found = []
    if form.co_organisers.errors:  # not one line: nothing to look up
        return found
    for email in re.split(r"[\s,;]+", form.co_organisers.data or ""):
        if not email:
            continue
        organiser = find_organiser(email)
        if organiser is None:
            form.co_organisers.errors.append(
                f"No organiser has the email {email}. They need an account first."
            )
        elif organiser.id != owner_id and organiser not in found:
            found.append(organiser)
    return found


def _topics(form: EventForm) -> list[Topic]:
    """Return the ticked topics plus the new ones typed in, creating those."""
    chosen = set(form.topics.data or [])
    topics = list(db.session.scalars(db.select(Topic).where(Topic.id.in_(chosen))))
    for name in (part.strip() for part in (form.new_topics.data or "").split(",")):
        if not name:
            continue
        slug = slugify(name)
        topic = db.session.scalar(db.select(Topic).where(Topic.slug == slug))
        if topic is None:
            topic = Topic(slug=slug, name=name[:120])
            db.session.add(topic)
        if topic not in topics:
            topics.append(topic)
    return topics


def apply_form(form: EventForm, event: Event) -> bool:
    """Check the submitted form and write it to the event; return False when it has errors."""
    form.validate()
    zone_name = form.timezone.data if not form.timezone.errors else "UTC"
    starts_at = _moment(form, "starts", zone_name, required=True)
    ends_at = _moment(form, "ends", zone_name, required=True)
    if starts_at and ends_at and ends_at <= starts_at:
        form.ends_time.errors.append("The end must be after the start.")
    opens_at = _moment(form, "registration_opens", zone_name, required=False)
    closes_at = _moment(form, "registration_closes", zone_name, required=False)
    if opens_at and closes_at and closes_at <= opens_at:
        form.registration_closes_time.errors.append("Registration must close after it opens.")

    slug = form.slug.data.strip() if form.slug.data else ""
    if slug and not form.slug.errors and unique_slug(slug, event.id) != slug:
        form.slug.errors.append("Another talk already uses this address. Choose another one.")
    co_organisers = _co_organisers(form, event.owner_id or current_user.id)

    upload = form.banner.data if getattr(form.banner.data, "filename", "") else None
    keeps_banner = upload is not None or (event.banner and not form.remove_banner.data)
    if keeps_banner and not (form.banner_alt.data or "").strip():
        form.banner_alt.errors.append("Describe the banner for people who cannot see it.")
    if any(field.errors for field in form):
        return False
    topics = _topics(form)
    if upload is not None:
        try:
            banner = save_banner(upload)
        except UploadError as error:
            form.banner.errors.append(str(error))
            return False
    else:
        banner = event.banner if keeps_banner else None

    sequence = event.ics_sequence
    _write(form, event, starts_at, ends_at, opens_at, closes_at)
    event.slug = slug or unique_slug(slugify(form.title.data), event.id)
    event.banner = banner
    event.topics = topics
    event.co_organisers = co_organisers
    if event.ics_sequence != sequence:
        # A new time or join link: registrants get it with the change, in one commit.
        enqueue_event_updated(event)
    return True


def change_capacity(event: Event, capacity: int | None) -> int:
    """Set the number of seats of an event (None: unlimited); return how many got a seat.

    New seats go to the waiting list in order; fewer seats than are taken
    keeps every seat and sends new registrations to the waiting list.
    """
    promoted = seats.change_capacity(event, capacity)
    if promoted:
        people = "person" if promoted == 1 else "people"
        flash(f"{promoted} {people} from the waiting list got a seat and will be emailed.",
              "success")  # fmt: skip
    return promoted


def _write(form, event: Event, starts_at, ends_at, opens_at, closes_at) -> None:
    """Copy the checked values of the form onto the event."""
    join_url = form.join_url.data or ""
    if event.id is not None and (
        (event.starts_at, event.ends_at, event.join_url) != (starts_at, ends_at, join_url)
    ):
        # Calendar apps replace an entry only when its sequence number grows.
        event.ics_sequence += 1
    for name in (
        "title", "series", "event_type", "target_audience", "organised_by", "summary",
        "description", "timezone", "location", "recording_url", "post_summary",
        "banner_alt",
    ):  # fmt: skip
        setattr(event, name, (getattr(form, name).data or "").strip())
    event.join_url = join_url
    event.starts_at, event.ends_at = starts_at, ends_at
    event.registration_opens_at, event.registration_closes_at = opens_at, closes_at
    event.waitlist_enabled = form.waitlist_enabled.data
    event.reminder_24h, event.reminder_1h = form.reminder_24h.data, form.reminder_1h.data
    if event.capacity != form.capacity.data or event.id is None:
        change_capacity(event, form.capacity.data)
