"""Read HTML forms and fill them in like a person would, without knowing their fields.

The benchmark drives pages it did not write: it finds the form on a page,
keeps its hidden fields (the CSRF token), ticks the boxes, picks the first
option of each list and puts a given address in the email fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

EMAIL_MARK = "BENCHEMAILMARK"


@dataclass
class Form:
    action: str
    method: str
    inputs: list[dict] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)
    textareas: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        """Return the names of all the fields of the form."""
        return (
            {i["name"] for i in self.inputs if i.get("name")}
            | set(self.selects)
            | set(self.textareas)
        )

    def field_of_type(self, *types: str) -> str | None:
        """Return the name of the first input of one of these types."""
        for item in self.inputs:
            if item.get("type", "text") in types and item.get("name"):
                return item["name"]
        return None


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._current: Form | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self._current = Form(attrs.get("action", ""), attrs.get("method", "get").lower())
            self.forms.append(self._current)
        elif self._current is None:
            return
        elif tag in ("input", "button"):
            if tag == "button":
                attrs.setdefault("type", "submit")
            attrs["type"] = attrs.get("type", "text").lower()
            self._current.inputs.append(attrs)
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._current.selects[self._select] = []
        elif tag == "option" and self._select:
            self._current.selects[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._current.textareas.append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._current = None


def parse_forms(html: str, page_url: str) -> list[Form]:
    """Return the forms of a page, with actions made absolute paths."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        form.action = urljoin(page_url, form.action or page_url)
    return parser.forms


def post_forms(html: str, page_url: str) -> list[Form]:
    """Return the POST forms of a page."""
    return [form for form in parse_forms(html, page_url) if form.method == "post"]


def fill(form: Form, email: str = EMAIL_MARK, values: dict[str, str] | None = None) -> list:
    """Return the fields a person would send: hidden values kept, boxes ticked, email filled."""
    values = values or {}
    # Fill what is required, as a person in a hurry does; when nothing is marked
    # required, fill every visible field.
    marked = any("required" in item for item in form.inputs)
    pairs: list[tuple[str, str]] = []
    radios_done: set[str] = set()
    submitted = False
    for item in form.inputs:
        name, kind = item.get("name"), item.get("type", "text")
        if not name:
            continue
        if name in values:
            pairs.append((name, values[name]))
        elif kind == "hidden":
            pairs.append((name, item.get("value", "")))
        elif kind == "checkbox":
            pairs.append((name, item.get("value") or "y"))
        elif kind == "radio":
            if name not in radios_done:
                radios_done.add(name)
                pairs.append((name, item.get("value", "")))
        elif kind in ("submit", "image"):
            if not submitted:
                submitted = True
                pairs.append((name, item.get("value", "")))
        elif kind == "email" or "email" in name.lower():
            pairs.append((name, email))
        elif kind == "password":
            pairs.append((name, values.get("password", "")))
        elif kind in ("file", "reset"):
            continue
        elif kind in ("text", "search", "tel", "url", "number"):
            # A field taken out of the tab order is a trap for robots: people leave it empty.
            wanted = item.get("tabindex") != "-1" and ("required" in item or not marked)
            pairs.append((name, (item.get("value") or _text_for(name)) if wanted else ""))
        else:
            pairs.append((name, item.get("value", "")))
    for name, options in form.selects.items():
        chosen = values.get(name) or next((option for option in options if option), "")
        pairs.append((name, chosen))
    for name in form.textareas:
        pairs.append((name, values.get(name, "")))
    return pairs


def _text_for(name: str) -> str:
    """Return a plausible value for a text field, by its name."""
    lowered = name.lower()
    if "timezone" in lowered or lowered.endswith("_tz"):
        return "Europe/Brussels"
    if "country" in lowered:
        return "BE"
    if "url" in lowered or "website" in lowered:
        return "https://example.org"
    return "Bench"


def encode(pairs: list[tuple[str, str]]) -> str:
    """Return the pairs as an application/x-www-form-urlencoded body."""
    return urlencode(pairs)
