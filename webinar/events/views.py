"""Views of the public event pages, their calendar files, uploads and the health check."""

import mimetypes
from urllib.parse import quote, urlencode

from flask import abort, current_app, render_template, request, send_from_directory
from flask_babel import gettext
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import calendar, paging, talk_languages
from ..extensions import db
from ..models.event import registration_state
from ..series import queries as series_queries
from . import bp, pagecache, queries

# Uploads shown in the page; anything else (PDF, SVG that could carry script,
# office files) is sent as a download so a browser never renders it as ours.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"}


@bp.get("/")
def index():
    """List upcoming published talks, soonest first."""
    return _listing(past=False)


@bp.get("/events/past")
def past():
    """List past talks, the most recent first."""
    return _listing(past=True)


def _listing(*, past: bool):
    """Render one page of talks, filtered by the topic, type and series in the query string."""
    # Most visits have no query string: no parsing, and no KeyError raised and
    # caught for each absent argument, which is what MultiDict.get costs.
    args = request.args if request.query_string else {}
    topic = args.get("topic", "").strip() or None
    event_type = args.get("type", "").strip() or None
    series = args.get("series", "").strip() or None
    number = paging.page_number(args)
    if number is None:
        abort(404)
    # The filters and the page number are in the key through the page's kept arguments.
    key = pagecache.page_key("listing", past, queries.listing_version())

    def render() -> tuple[str, str]:
        page = db.paginate(
            queries.listing(past=past, topic=topic, event_type=event_type, series=series),
            page=number,
            per_page=current_app.config["EVENTS_PER_PAGE"],
        )
        topics, types = queries.filter_choices()
        html = render_template(
            "events/index.html",
            page=page,
            past=past,
            topics=topics,
            types=types,
            topic=topic,
            event_type=event_type,
            series_choices=series_queries.listed_series(),
            series=series,
        )
        return key, html

    return pagecache.cached_page(key, render)


@bp.get("/events/<slug>")
def detail(slug: str):
    """Show one talk: what it is about, who speaks, when, and how to register."""
    version = queries.public_event_version(slug)
    # Before anything asks for the locale: the visitor's language counts only
    # among the ones the talk is offered in.
    talk_languages.offer_page_languages(version)
    register_args = campaign_args()
    key = page_key(version, version.series_updated_at, register_args)

    def render() -> tuple[str, str]:
        event = queries.public_event(slug)
        # The key of what is rendered: the talk may have changed since the first read.
        series_updated_at = event.series.updated_at if event.series else None
        url = calendar.public_url("events.detail", slug=event.slug)
        html = render_template(
            "events/detail.html",
            event=event,
            state=event.registration_state(),
            share_links=share_links(talk_languages.text_of(event, "title"), url),
            google_calendar_url=calendar.google_calendar_url(event),
            register_args=register_args,
        )
        return page_key(event, series_updated_at, register_args), html

    return pagecache.cached_page(key, render, last_modified=version.updated_at)


def page_key(event, series_updated_at, register_args: dict[str, str]) -> str:
    """Return the cache key and ETag of a talk page: its row, its series, seats, state, campaign."""
    return pagecache.page_key(
        event.id,
        event.updated_at,
        series_updated_at,
        event.seats_taken,
        registration_state(event),
        sorted(register_args.items()),
    )


def share_links(title: str, url: str) -> list[tuple[str, str]]:
    """Return plain share links (no third-party script) for a page."""
    return [
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        (gettext("Email"), f"mailto:?subject={quote(title)}&body={quote(url)}"),
    ]


CAMPAIGN_ARGS = ("utm_source", "utm_medium", "utm_campaign")


def campaign_args() -> dict[str, str]:
    """Return where this visit came from, to be carried to the registration form.

    The form keeps the campaign (utm_*) and the page that sent the visitor;
    by the time they reach the form, their browser's referrer is our own page.
    """
    args: dict[str, str] = {}
    if request.query_string:
        args = {name: request.args[name][:200] for name in CAMPAIGN_ARGS if request.args.get(name)}
    referrer = request.referrer or ""
    if referrer and not referrer.startswith(current_app.config["PUBLIC_URL"]):
        args["ref"] = referrer[:500]
    return args


@bp.get("/events/<slug>.ics")
def event_calendar(slug: str):
    """Send one talk as a calendar file."""
    event = queries.public_event(slug)
    talk_languages.offer_page_languages(event)
    name = talk_languages.text_of(event, "title")
    body = calendar.calendar_file([calendar.public_vevent(event)], name=name)
    return _calendar_response(body, f"{event.slug}.ics")


@bp.get("/events.ics")
def feed():
    """Send the calendar feed of upcoming talks, to subscribe to."""
    vevents = [calendar.public_vevent(event) for event in queries.calendar_feed()]
    body = calendar.calendar_file(vevents, name=current_app.config["SITE_NAME"])
    return _calendar_response(body, "events.ics")


def _calendar_response(body: bytes, filename: str):
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.get("/uploads/<path:filename>")
def upload(filename: str):
    """Serve an uploaded banner, photo or slides file."""
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    inline = mimetype in INLINE_TYPES
    response = send_from_directory(
        current_app.config["UPLOAD_FOLDER"],
        filename,
        mimetype=mimetype,
        as_attachment=not inline,
        max_age=3600,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/healthz")
def healthz():
    """Say whether the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: the database does not answer")
        db.session.rollback()
        return {"status": "unavailable", "database": "error"}, 503
    return {"status": "ok", "database": "ok"}
