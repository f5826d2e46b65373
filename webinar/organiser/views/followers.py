"""A series' followers for its organisers: counts, growth, the list and its CSV download."""

from flask import Response, render_template, request, stream_with_context
from flask_login import current_user

from ... import audit
from ...extensions import db
from ...models import AuditAction
from ...paging import page_number
from .. import bp
from ..queries import followers
from ..queries.access import Permission, get_series_or_404


@bp.get("/series/<int:series_id>/followers")
def series_followers(series_id: int):
    """Show who follows a series, how that grew, and the list."""
    series = get_series_or_404(current_user, series_id, Permission.SEE)
    return render_template(
        "organiser/followers.html",
        series=series,
        counts=followers.follower_counts(series),
        weeks=followers.growth(series),
        page=followers.follower_page(series, page_number(request.args) or 1),
    )


@bp.get("/series/<int:series_id>/followers.csv")
def export_followers(series_id: int):
    """Download the followers of a series as a CSV file."""
    series = get_series_or_404(current_user, series_id, Permission.SEE)
    # A download is a read, so no service writes it down.
    audit.record(AuditAction.FOLLOWERS_EXPORTED, details=f"series {series.id}: {series.name}")
    db.session.commit()
    response = Response(
        stream_with_context(followers.csv_lines(series)), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{followers.file_name(series)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
