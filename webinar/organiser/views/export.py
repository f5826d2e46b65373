"""The attendee list as a CSV download."""

from flask import Response, request, stream_with_context
from flask_login import current_user

from ... import audit
from ...extensions import db
from ...models import AuditAction
from .. import bp
from ..queries.access import Permission, get_event_or_404
from ..queries.attendee_list import ListParams
from ..queries.export import ExportOptions, csv_lines, file_name


@bp.get("/events/<int:event_id>/attendees.csv")
def export_attendees(event_id: int):
    """Download the attendee list, with the list's search and filter, as a CSV file."""
    event = get_event_or_404(current_user, event_id, Permission.SEE)
    params = ListParams.from_args(request.args)
    # A download is a read, so no service writes it down: the entry never holds the search text.
    options = ExportOptions.from_args(request.args)
    details = "filtered" if params.filtered else "everyone"
    if options.sensitive:
        details += ", with sensitive answers"
    audit.record(AuditAction.ATTENDEES_EXPORTED, event=event, details=details)
    db.session.commit()
    response = Response(
        stream_with_context(csv_lines(event, params, options)),
        content_type="text/csv; charset=utf-8",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(event)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
