"""The REST API under /api/v1: JSON resources for an organiser's talks, for API tokens.

flask-smorest builds the OpenAPI 3.1 document from the code: each view's
marshmallow schemas (schemas.py) say what it takes and answers. Resources
live one module each (talks.py, registrations.py, webhooks.py); a module makes its
blueprint with `auth.resource_blueprint` and is listed in RESOURCES.
"""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec import openapi_cli
from flask_smorest.utils import prepare_response

from .problems import CONTENT_TYPE, ProblemSchema, is_api_request, problem_response

# The modules whose `blp` holds API resources, in the order of the reference.
RESOURCES = ("talks", "registrations", "webhooks")


class WebinarApi(Api):
    """flask-smorest's Api, answering and documenting errors as problem details.

    The OpenAPI document depends on the code alone, so the first app of a
    process builds it and the next ones share it, as they share this object:
    building it again would cost half of create_app (each test makes an app,
    and so does each flask command).
    """

    ERROR_SCHEMA = ProblemSchema
    documented = False

    def _init_spec(self, **options) -> None:
        if self.documented:
            self._app.cli.add_command(openapi_cli)
        else:
            super()._init_spec(**options)

    def register_blueprint(self, blp, **options) -> None:
        if self.documented:
            self._app.extensions["flask-smorest"]["blp_name_to_api"][blp.name] = self
            self._app.register_blueprint(blp, **options)
        else:
            super().register_blueprint(blp, **options)

    def _register_error_handlers(self) -> None:
        # Error codes without a page of the site (401, 409, 422, ...); the
        # site's handlers (webinar/errors.py) hand the others over themselves.
        def handle(error):
            return problem_response(error) if is_api_request() else error

        from werkzeug.exceptions import HTTPException

        self._app.register_error_handler(HTTPException, handle)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


api = WebinarApi()

# flask-smorest's settings: fixed, so not among the settings of config.py.
SPEC_SETTINGS = {
    "API_TITLE": "Webinar API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Talks, their registrations and figures, for an organiser's "
                                "tools."},
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
    },
}  # fmt: skip


def init_app(app: Flask) -> None:
    """Serve the API, its OpenAPI document and its reference page."""
    from importlib import import_module

    from . import reference

    for name, value in SPEC_SETTINGS.items():
        app.config.setdefault(name, value)
    api.init_app(app)
    for name in RESOURCES:
        api.register_blueprint(import_module(f".{name}", __name__).blp, url_prefix="/api/v1")
    api.documented = True
    app.register_blueprint(reference.bp)
