"""A site with one of everything, and every GET route of the app filled in (no tests here).

Routes are read from `app.url_map`, so pages added later are walked too; a
route with an argument this module cannot fill fails loudly with its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from support.eventdata import PNG_BYTES, add_material, add_speakers, add_topics, write_upload
from support.factories import in_days, registration_row, stored
from support.webhooks import add_endpoint_with_delivery
from webinar.extensions import db
from webinar.models import (
    Follower,
    Material,
    Question,
    QuestionOption,
    Series,
    SeriesRole,
    Speaker,
    utcnow,
)
from webinar.organiser.queries.attendee_list import PER_PAGE

# Routes walked by other means, or that are not pages.
SKIPPED_ENDPOINTS = {"static"}
# Organiser pages for administrators only: an organiser who is not one gets 403.
ADMIN_ONLY = {"organiser.whole_log", "organiser.organisers", "organiser.invite",
              "organiser.resend_invitation", "organiser.revoke_invitation",
              "organiser.deactivate_organiser", "organiser.reactivate_organiser",
              "organiser.make_admin", "organiser.remove_admin"}  # fmt: skip


def api_resource(app, rule) -> bool:
    """Say whether a rule is one of the API's resources (token only: tests/test_api_*.py)."""
    return rule.endpoint.split(".")[0] in app.extensions["flask-smorest"]["blp_name_to_api"]


@dataclass
class Site:
    """The ids, slugs and tokens of a populated site: what route arguments are filled with."""

    values: dict[str, object] = field(default_factory=dict)

    def url(self, rule) -> str:
        """Return the path of a rule with its arguments filled in."""
        missing = [name for name in rule.arguments if name not in self.values]
        if missing:
            pytest.fail(f"{rule.rule}: add a value for {', '.join(missing)} to site_walk.Site")
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(self.values[name]), path)
        return path


def get_rules(app, prefix: str | None = None, public: bool | None = None):
    """Return the GET rules of the app (organiser ones, public ones, or all), sorted."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        if api_resource(app, rule):
            continue
        organiser = rule.endpoint.startswith("organiser.")
        if public is True and organiser or public is False and not organiser:
            continue
        if prefix and not rule.rule.startswith(prefix):
            continue
        rules.append(rule)
    return sorted(rules, key=lambda rule: rule.rule)


def populate(app, make_event, owner_id: int, **event_fields) -> Site:
    """Create a published talk of owner_id with a speaker, slides, a link, a registration and
    questions, in a series they own; and a draft talk of theirs with a question, to copy
    questions from."""
    series = stored(app, Series(name="EU Clusters Talk", slug="eu-clusters-talk",
                                description="Monthly talks.", banner="banner.png",
                                banner_alt="A banner"))  # fmt: skip
    stored(app, SeriesRole(series_id=series.id, organiser_id=owner_id, role="owner"))
    event_fields.setdefault("series_id", series.id)
    event = make_event(owner_id=owner_id, capacity=10, **event_fields)
    earlier = make_event(owner_id=owner_id, status="draft", title="An earlier talk")
    add_speakers(app, event.id, [("Sam Speaker", "Director", "Cluster Office")])
    add_material(app, event.id, kind="slides", title="Slides", filename="slides.pdf")
    add_material(app, event.id, kind="link", title="Site", url="https://example.org/")
    write_upload(app, "slides.pdf", b"%PDF-1.4\n%%EOF\n")
    write_upload(app, "banner.png", PNG_BYTES)
    token = stored(app, registration_row(event.id)).token
    followed = follow_values(app, series.id)
    with app.app_context():
        reset_token = reset_link_for_someone_else()
        email_token = email_link_for_someone_else()
        invitation_token = invitation_for_someone()
        speaker_id = db.session.scalar(db.select(Speaker.id).where(Speaker.event_id == event.id))
        material_id = db.session.scalar(
            db.select(Material.id).where(Material.event_id == event.id).limit(1)
        )
        question_id = add_questions(event.id)
        add_questions(earlier.id)
        webhook = add_endpoint_with_delivery(owner_id)
    return Site(
        {
            **webhook,
            "slug": event.slug,
            "event_id": event.id,
            "speaker_id": speaker_id,
            "material_id": material_id,
            "question_id": question_id,
            "token": token,
            "filename": "slides.pdf",
            "registration_id": 1,
            "owner_id": owner_id,
            "reset_token": reset_token,
            "email_token": email_token,
            "invitation_token": invitation_token,
            "series_id": series.id,
            "series_slug": series.slug,
            **followed,
            "code": "fr",
        }
    )


def follow_values(app, series_id: int) -> dict[str, object]:
    """Give the series a follower and an unconfirmed follow; return their links' arguments."""
    from webinar.followers import token_hash

    with app.app_context():
        follower = Follower(series_id=series_id, email="fay@example.org", name="Fay Follower",
                            email_normalised="fay@example.org", confirmed_at=utcnow(),
                            token="f" * 43, unsubscribe_token="u" * 43)  # fmt: skip
        waiting = Follower(series_id=series_id, email="wes@example.org", name="Wes Waiting",
                           email_normalised="wes@example.org", confirmation_sent_at=utcnow(),
                           confirm_token_hash=token_hash("c" * 43))  # fmt: skip
        db.session.add_all([follower, waiting])
        db.session.commit()
        return {"follower_id": follower.id, "follower_token": "f" * 43,
                "unfollow_token": "u" * 43, "confirm_token": "c" * 43}  # fmt: skip


def add_questions(event_id: int) -> int:
    """Give a talk a choice question and one shown for an answer to it; return the latter's id."""
    choice = Question(event_id=event_id, position=0, kind="single_choice", label="Cluster?",
                      options=[QuestionOption(text="Deep tech", position=0),
                               QuestionOption(text="Clean tech", position=1)])  # fmt: skip
    db.session.add(choice)
    db.session.flush()
    shown = Question(event_id=event_id, position=1, kind="short_text", label="Which one?",
                     shown_if_id=choice.id,
                     shown_if_answers=[str(choice.options[0].id)])  # fmt: skip
    db.session.add(shown)
    db.session.commit()
    return shown.id


def long_lived_link(model, token: str, **fields) -> str:
    """Store a single-use link (a model with token_hash, expires_at) for years; give its token."""
    from datetime import timedelta

    from webinar.models import utcnow
    from webinar.organiser.services.password_reset import hash_token

    expires_at = utcnow() + timedelta(days=3650)
    db.session.add(model(token_hash=hash_token(token), expires_at=expires_at, **fields))
    db.session.commit()
    return token


def reset_link_for_someone_else() -> str:
    """Create another organiser with a valid password reset link; return the link's token.

    Another account, so that choosing a new password through the link signs
    nobody out of the walk.
    """
    from webinar.models import PasswordResetToken
    from webinar.organiser.services.accounts import create_organiser

    other = create_organiser("reset@example.org", "Rita Reset", "correct horse battery")
    return long_lived_link(PasswordResetToken, "r" * 43, organiser_id=other.id)


def email_link_for_someone_else() -> str:
    """Give the other organiser a pending change of email; return its link's token."""
    from webinar.models import EmailChange, Organiser

    other = db.session.scalar(db.select(Organiser).where(Organiser.email == "reset@example.org"))
    return long_lived_link(EmailChange, "e" * 43, organiser_id=other.id,
                           new_email="rita.new@example.org")  # fmt: skip


def invitation_for_someone() -> str:
    """Create an open invitation to a new address; return its link's token."""
    from webinar.models import Invitation

    return long_lived_link(Invitation, "i" * 43, email="invited@example.org")


def fill_lists(app, make_event, make_registrations, site: Site) -> None:
    """Add talks, a topic and registrations: every list has a second page, every filter a choice.

    The lists of talks need EVENTS_PER_PAGE set to 1 in the test's settings.
    """
    for days in (30, -30, -31):
        make_event(owner_id=site.values["owner_id"], starts_at=in_days(days))
    add_topics(app, site.values["event_id"], "Deep tech")
    make_registrations(site.values["event_id"], *["confirmed"] * PER_PAGE)


class QueryNames(HTMLParser):
    """Collect the query parameter names a page uses: in its links and its GET forms."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.found: list[tuple[str, set[str]]] = []
        self.form: set[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        href = attributes.get("href") or ""
        if tag == "a" and "?" in href:
            parts = urlsplit(href)
            if not parts.netloc:
                names = set(parse_qs(parts.query, keep_blank_values=True))
                self.found.append((parts.path or self.page_path, names))
        elif tag == "form" and (attributes.get("method") or "get").lower() == "get":
            self.form = set()
            self.found.append((urlsplit(attributes.get("action") or "").path or self.page_path,
                               self.form))
        elif self.form is not None and tag in ("input", "select", "textarea", "button"):
            if attributes.get("name"):
                self.form.add(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


def query_names(app, client, paths) -> dict[str, set[str]]:
    """Return {endpoint: query parameter names} found in the links and GET forms of these pages."""
    adapter = app.url_map.bind("localhost")
    names: dict[str, set[str]] = {}
    for path in paths:
        response = client.get(path)
        response.close()
        if response.mimetype != "text/html":
            continue
        parser = QueryNames(path)
        parser.feed(response.get_data(as_text=True))
        for target, found in parser.found:
            try:
                endpoint, _ = adapter.match(target, method="GET")
            except HTTPException:  # not a page of the app, or not one for GET
                continue
            names.setdefault(endpoint, set()).update(found)
    return names
