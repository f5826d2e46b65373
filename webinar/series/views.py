"""Views of a series' public page, its calendar feed and its Atom feed."""

from flask import current_app, make_response, render_template, request

from .. import calendar
from ..events import pagecache
from . import bp, feeds, queries


@bp.get("/series/<series_slug>")
def page(series_slug: str):
    """Show a series: what it is, its coming talks and its past talks with their recordings."""
    key = pagecache.page_key("series", queries.series_page_version(series_slug))

    def render() -> tuple[str, str]:
        series = queries.public_series(series_slug)
        past, more_past = queries.past_talks(series)
        html = render_template(
            "series/page.html",
            series=series,
            upcoming=queries.upcoming_talks(series),
            past=past,
            more_past=more_past,
            canonical_url=calendar.public_url("series.page", series_slug=series.slug),
        )
        return key, html

    return pagecache.cached_page(key, render)


@bp.get("/series/<series_slug>.ics")
def series_calendar(series_slug: str):
    """Send the series' talks as a calendar feed, to subscribe to."""
    series = queries.public_series(series_slug)
    vevents = [calendar.public_vevent(event) for event in queries.calendar_talks(series)]
    body = calendar.calendar_file(vevents, name=series.name)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{series.slug}.ics"'
    return response


@bp.get("/series/<series_slug>.atom")
def atom(series_slug: str):
    """Send the Atom feed of the series' talks, the newest first."""
    series = queries.public_series(series_slug)
    talks = queries.feed_talks(series)
    body = render_template(
        "series/feed.xml",
        series=series,
        talks=talks,
        updated=feeds.last_change(series, talks),
        tag=feeds.tag_uri,
        page_url=calendar.public_url("series.page", series_slug=series.slug),
        feed_url=calendar.public_url("series.atom", series_slug=series.slug),
        event_url=lambda event: calendar.public_url("events.detail", slug=event.slug),
        organiser=current_app.config["ORGANISER_NAME"],
    )
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return _revalidated(response)


def _revalidated(response):
    """Give a page a digest ETag, answer 304 when it matches, and have it revalidated each time.

    The digest is of the body itself, so it changes with anything shown; and
    talks move from coming to past with no change in the database.
    """
    response.add_etag()
    response.cache_control.no_cache = True
    return response.make_conditional(request)
