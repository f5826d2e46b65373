"""Errors of the API as RFC 9457 problem details (application/problem+json).

Every error under /api/v1 is answered this way: the API's own refusals, the
framework's (no such URL, a method not allowed, a body that is not JSON),
rate limits and a fault of ours alike. The site's error pages
(webinar/errors.py) ask `is_api_request()` and hand over to `problem_response`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import NoReturn

import marshmallow as ma
from flask import Response, current_app, json, request
from webargs.flaskparser import abort
from werkzeug.exceptions import HTTPException

PREFIX = "/api/v1"
CONTENT_TYPE = "application/problem+json"

# What each refusal tells the client, beyond its status's name.
DETAILS = {
    400: "The request could not be understood.",
    401: "Send a valid API token in the header Authorization: Bearer <token>.",
    403: "This token may not do that.",
    404: "There is nothing at this address for this token.",
    405: "This address does not take that method.",
    409: "The request conflicts with the current state of what it is about.",
    413: "The request body is too large.",
    415: "Send the request body as JSON (Content-Type: application/json).",
    422: "The request was understood but some of its values are not accepted.",
    429: "Too many requests with this token; wait a moment and try again.",
    500: "An error on our side stopped this request. Nothing you sent caused it.",
    503: "The service is busy right now. Nothing was saved; please try again in a few seconds.",
}


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem: what went wrong, for people and for programs."""

    type = ma.fields.String(metadata={"description": "A URI naming the kind of problem."})
    title = ma.fields.String(metadata={"description": "The status in words."})
    status = ma.fields.Integer(metadata={"description": "The HTTP status code."})
    detail = ma.fields.String(metadata={"description": "What happened, in a sentence."})
    instance = ma.fields.String(metadata={"description": "The path of the request."})
    errors = ma.fields.Dict(
        metadata={"description": "Per field, what is wrong with the value sent."}
    )


def is_api_request() -> bool:
    """Say whether the request is for the API (and so gets problem details)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def refuse(status: int, detail: str | None = None, *, errors: dict | None = None) -> NoReturn:
    """Stop the request with a problem of this status, saying what is wrong."""
    abort(status, detail=detail, errors=errors)


def problem(status: int, detail: str | None = None, *, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    """Return a problem+json response of this status."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "status": status,
        "detail": detail or DETAILS.get(status, DETAILS[500] if status >= 500 else DETAILS[400]),
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body), status=status, mimetype=CONTENT_TYPE)
    response.headers.extend(headers or {})
    return response


def problem_response(error: HTTPException) -> Response:
    """Return the problem details of an HTTP error raised anywhere in the API."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    # webargs puts the values refused into data["messages"], per location.
    errors = data.get("errors") or _fields_of(data.get("messages"))
    # A description of our own (abort(403, "...")), not werkzeug's default one.
    own = error.description if error.description != type(error).description else None
    detail = data.get("detail") or own
    headers = {
        name: value
        for name, value in error.get_headers()
        if name in ("Allow", "Retry-After", "WWW-Authenticate")
    }
    if code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    return problem(code, detail, errors=errors, headers=headers)


def _fields_of(messages: dict | None) -> dict | None:
    """Return webargs' messages without the location level ({"json": {...}} -> {...})."""
    if not messages:
        return None
    merged: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            merged.update(fields)
        else:
            merged[location] = fields
    return merged
