"""The error pages: one page in the site's style for every HTTP error.

Under /api/v1 errors are problem details instead (webinar/api/problems.py).
"""

from flask import Flask, render_template

from .api.problems import is_api_request, problem_response
from .languages import lazy_gettext as _l

ERROR_PAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. If you sent a form, "
          "reload the page and try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. The talk may have moved "
          "or been removed.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("File too large"), _l("The file you sent is larger than we accept. Please choose "
          "a smaller file and try again.")),
    429: (_l("Too many requests"), _l("You have sent too many requests in a short time. Please "
          "wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An error on our side stopped this page. Nothing you "
          "did caused it; please try again in a moment.")),
    503: (_l("Please try again"), _l("The site is busy right now. Nothing was saved; please try "
          "again in a few seconds.")),
}  # fmt: skip


def error_page(code: int, message: str | None = None, link: tuple[str, str] | None = None) -> str:
    """Render the page of an HTTP error code (500's page for a code without one).

    An error may say more than its code (message) and offer a way back (link: url, text).
    """
    title, usual = ERROR_PAGES.get(code, ERROR_PAGES[500])
    return render_template("errors/error.html", title=title, message=message or usual, link=link)


def error_text(code: int) -> str:
    """Return the plain text of an error page, for when no page can be rendered."""
    title, message = ERROR_PAGES.get(code, ERROR_PAGES[500])
    return f"{title}. {message}\n"


def init_app(app: Flask) -> None:
    """Answer errors with pages in the site's style."""

    def handler(error):
        if is_api_request():
            return problem_response(error)
        code = getattr(error, "code", 500) or 500
        message, link = getattr(error, "page_message", None), getattr(error, "page_link", None)
        return error_page(code, message, link), code

    for code in ERROR_PAGES:
        app.register_error_handler(code, handler)
