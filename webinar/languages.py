"""Which language a visitor reads, the switch in the header, and each page's URL per language.

The language of a request, first found wins:

1. `?lang=fr` in the URL: each language of a page has its own URL, the one
   its `hreflang` alternate and its canonical link name;
2. the choice made with the switch in the header, remembered in the `lang`
   cookie (a plain link to `/language/<code>`, so it works without
   JavaScript and needs no CSRF token);
3. `g.preferred_language`: the signed-in organiser's own setting;
4. the browser's Accept-Language, among the languages the page is offered
   in (`g.page_languages`; every language of the interface unless a view
   narrows it, as a talk page does to the talk's languages);
5. the page's own default language (`g.page_default_language`);
6. the DEFAULT_LANGUAGE setting.

Flask-Babel remembers the answer for the rest of the request: a view that
sets `g.page_languages` sets it before anything is translated (or calls
`flask_babel.refresh()`). Pages may be cached per language: the render cache
and ETags include `current_language()`, and every HTML response varies on
Accept-Language and Cookie.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode, urlsplit

from babel import Locale
from flask import Blueprint, Flask, Response, abort, current_app, g, redirect, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale, gettext, ngettext
from flask_babel.speaklater import LazyString
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

bp = Blueprint("languages", __name__)

COOKIE = "lang"
# Each language's name in itself: a reader finds their own whatever the page's language.
NAMES = {"en": "English", "fr": "Français", "de": "Deutsch"}


class LazyText(LazyString):
    """A translation made when it is read, which templates escape like any other text.

    Flask-Babel's lazy strings call themselves markup, so `'` would reach a
    page unescaped, and so would a value formatted into one. These do not.
    """

    @property
    def __html__(self):
        raise AttributeError("__html__")


class TextJSONProvider(DefaultJSONProvider):
    """Flask's JSON, which writes a lazy text as the text it reads as now."""

    @staticmethod
    def default(o):
        if isinstance(o, LazyString):
            return str(o)
        return DefaultJSONProvider.default(o)


def lazy_gettext(string: str, **variables) -> LazyText:
    """Return `string` translated into the language of wherever it is read."""
    return LazyText(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyText:
    """Return the singular or plural, translated into the language of wherever it is read."""
    return LazyText(ngettext, singular, plural, num, **variables)


def languages() -> tuple[str, ...]:
    """Return the codes of the interface languages, the default first as configured."""
    return tuple(current_app.config["LANGUAGES"])


def page_languages() -> list[str]:
    """Return the languages this request's page is offered in, its default first.

    A talk's page is offered in the talk's languages (`g.page_languages`);
    any other page in every language of the interface.
    """
    offered = languages()
    return [code for code in g.get("page_languages") or offered if code in offered]


def select_language() -> str:
    """Return the language of this request (Flask-Babel's locale selector)."""
    offered = languages()
    default = current_app.config["DEFAULT_LANGUAGE"]
    if not request:
        return default
    # Not MultiDict.get, which raises and catches a KeyError for an absent
    # name: most requests have neither, and this runs on every page.
    args, cookies = request.args if request.query_string else {}, request.cookies
    for chosen in (args["lang"] if "lang" in args else None,
                   cookies[COOKIE] if COOKIE in cookies else None,
                   g.get("preferred_language")):  # fmt: skip
        if chosen in offered:
            return chosen
    best = best_language(request.headers.get("Accept-Language", ""), tuple(page_languages()))
    if best:
        return best
    page_default = g.get("page_default_language")
    return page_default if page_default in offered else default


def best_language(header: str, offered: tuple[str, ...]) -> str | None:
    """Return the language of those offered that an Accept-Language header prefers, if any."""
    if not header:
        return None
    if len(header) > MEMO_HEADER_LENGTH:
        return parse_accept_header(header, LanguageAccept).best_match(offered)
    return _best_language(header, offered)


# Browsers send a few dozen different headers, each again and again: the
# answer is kept for each header and page languages, instead of parsing the
# header on every request (a tenth of a cached page). Long headers, which no
# browser sends, are parsed each time and keep nothing.
MEMO_HEADER_LENGTH = 200


@functools.lru_cache(maxsize=1024)
def _best_language(header: str, offered: tuple[str, ...]) -> str | None:
    return parse_accept_header(header, LanguageAccept).best_match(offered)


def select_locale() -> Locale:
    """Return the locale of this request (Flask-Babel's locale selector), made once per language."""
    return locale_of(select_language())


@functools.cache
def locale_of(code: str) -> Locale:
    """Return Babel's locale of a language code; parsing one costs more than a cached page."""
    return Locale.parse(code)


def current_language() -> str:
    """Return the code of the language this request is answered in: 'en', 'fr' or 'de'."""
    locale = get_locale()
    return locale.language if locale else current_app.config["DEFAULT_LANGUAGE"]


def kept_args() -> list[tuple[str, str]]:
    """Return this page's query arguments that stay in its URLs per language.

    The language itself goes, and so do the campaign arguments (utm_*),
    which the talk page carries to its form on its own, and a page to go
    back to after signing in (`next`), which only that form's check may read.
    """
    return [
        (name, value)
        for name, value in request.args.items(multi=True)
        if name not in ("lang", "next") and not name.startswith("utm_")
    ]


def page_url(code: str) -> str:
    """Return the absolute URL of this page in one language; the default has no `lang`."""
    args = kept_args()
    if code != current_app.config["DEFAULT_LANGUAGE"]:
        args.append(("lang", code))
    query = f"?{urlencode(args)}" if args else ""
    return current_app.config["PUBLIC_URL"].rstrip("/") + request.path + query


def canonical_url() -> str:
    """Return this page's canonical URL: in its language, or its default one if not offered in it.

    A talk offered in English only, read with a French interface, is the
    English page for search engines: its canonical URL is the English one.
    """
    offered = page_languages()
    current = current_language()
    return page_url(current if current in offered else offered[0])


def switch_url(code: str) -> str:
    """Return the link that picks a language for the visitor and comes back to this page."""
    args = kept_args()
    here = request.path + (f"?{urlencode(args)}" if args else "")
    return f"/language/{code}?{urlencode({'next': here})}"


def language_links() -> list[dict]:
    """Return, per language, what the header's switch and the page's alternates need."""
    current = current_language()
    offered = page_languages()
    return [
        {
            "code": code,
            "name": NAMES.get(code, code),
            "current": code == current,
            "offered": code in offered,
            "switch_url": switch_url(code),
            "page_url": page_url(code),
        }
        for code in languages()
    ]


def safe_next(target: str | None) -> str:
    """Return a path of this site to go back to; anything else (another site) gives '/'."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target):
        return "/"
    return target


@bp.get("/language/<code>")
def choose(code: str):
    """Remember the visitor's language and take them back to the page they were on."""
    if code not in languages():
        abort(404)
    response = redirect(safe_next(request.args.get("next")), code=303)
    response.set_cookie(
        COOKIE,
        code,
        max_age=current_app.config["LANGUAGE_COOKIE_DAYS"] * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def vary_on_language(response: Response) -> Response:
    """Tell caches that a page's language depends on the browser's language and cookies."""
    if response.mimetype == "text/html":
        if "Vary" in response.headers:
            response.vary.update(("Accept-Language", "Cookie"))
        else:  # most pages: no parsing of a header that is not there
            response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def init_app(app: Flask) -> None:
    """Give templates the current language and the per-language links; mark HTML as varying."""
    # {% trans %} blocks ignore the line breaks and indentation of the template.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # Form messages reach JSON answers too (the API checks a registration as the form does).
    app.json = TextJSONProvider(app)
    app.jinja_env.globals.update(
        current_language=current_language, language_links=language_links, page_url=page_url,
        canonical_url=canonical_url,
    )
    app.after_request(vary_on_language)
