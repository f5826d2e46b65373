"""The API's reference page at /api/v1/docs: the OpenAPI document, rendered on the server.

Made from the same document as /api/v1/openapi.json, with the site's own
templates and styles: no script, nothing from another site, so it works with
JavaScript off and under the site's Content-Security-Policy. Like the API
it describes, it speaks English only, whatever the reader's language.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import force_locale

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/docs")
def reference():
    """Show the API's reference: its operations, their parameters, bodies and answers."""
    from . import api

    spec = api.spec.to_dict()
    schemas = spec.get("components", {}).get("schemas", {})
    tags = [{**tag, "operations": []} for tag in spec.get("tags", [])]
    by_tag = {tag["name"]: tag for tag in tags}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            # Parameters of the path (its ids) come first, then the operation's own.
            operation = dict(item[method])
            operation["parameters"] = [*item.get("parameters", []),
                                       *operation.get("parameters", [])]  # fmt: skip
            for name in operation.get("tags", []):
                by_tag[name]["operations"].append(
                    {"method": method.upper(), "path": path, **_readable(operation, schemas)}
                )
    with force_locale("en"):
        return render_template(
            "api/reference.html", spec=spec, tags=tags, schemas=schemas, type_of=type_of
        )


def _readable(operation: dict, schemas: dict) -> dict:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    responses = []
    for status, response in operation.get("responses", {}).items():
        if "$ref" in response:
            response = {"description": "A problem (RFC 9457, application/problem+json)"}
        content = response.get("content", {})
        schema = next(iter(content.values()), {}).get("schema") if content else None
        responses.append(
            {"status": status, "description": response.get("description", ""),
             "schema": schema_name(schema)}
        )  # fmt: skip
    return {
        "id": operation.get("operationId", ""),
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "parameters": [
            {"name": p["name"], "in": p["in"], "required": p.get("required", False),
             "type": type_of(p.get("schema", {})), "description": p.get("description", "")}
            for p in operation.get("parameters", [])
        ],  # fmt: skip
        "body": schema_name(body.get("schema")),
        "responses": responses,
    }


def schema_name(schema: dict | None) -> str | None:
    """Return the name of a schema a $ref points to, or None."""
    if not schema or "$ref" not in schema:
        return None
    return schema["$ref"].rsplit("/", 1)[-1]


def type_of(schema: dict) -> str:
    """Return a field's type as the page shows it: "string", "array of Speaker", ..."""
    if "$ref" in schema:
        return schema_name(schema)
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if "array" in kind and "items" in schema:
        kind = f"{kind.replace('array', 'array of')} {type_of(schema['items'])}"
    if "enum" in schema:
        kind += ": " + ", ".join(str(value) for value in schema["enum"] if value is not None)
    if "format" in schema:
        kind += f" ({schema['format']})"
    return kind
