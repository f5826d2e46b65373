"""A site with one of everything, and every GET route of the app filled in (no tests here).

Routes are read from `app.url_map`, so pages added later are walked too; a
route with an argument this module cannot fill fails loudly with its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from eventdata import PNG_BYTES, add_material, add_speakers, write_upload
from registration_helpers import add_registration

from webinar.extensions import db
from webinar.models import Material, Speaker

# Routes walked by other means, or that are not pages.
SKIPPED_ENDPOINTS = {"static"}


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
        organiser = rule.endpoint.startswith("organiser.")
        if public is True and organiser or public is False and not organiser:
            continue
        if prefix and not rule.rule.startswith(prefix):
            continue
        rules.append(rule)
    return sorted(rules, key=lambda rule: rule.rule)


def populate(app, make_event, owner_id: int, **event_fields) -> Site:
    """Create a published talk of owner_id with a speaker, slides, a link and a registration."""
    event = make_event(owner_id=owner_id, capacity=10, **event_fields)
    add_speakers(app, event.id, [("Sam Speaker", "Director", "Cluster Office")])
    add_material(app, event.id, kind="slides", title="Slides", filename="slides.pdf")
    add_material(app, event.id, kind="link", title="Site", url="https://example.org/")
    write_upload(app, "slides.pdf", b"%PDF-1.4\n%%EOF\n")
    write_upload(app, "banner.png", PNG_BYTES)
    token = add_registration(app, event)
    with app.app_context():
        speaker_id = db.session.scalar(db.select(Speaker.id).where(Speaker.event_id == event.id))
        material_id = db.session.scalar(
            db.select(Material.id).where(Material.event_id == event.id).limit(1)
        )
    return Site(
        {
            "slug": event.slug,
            "event_id": event.id,
            "speaker_id": speaker_id,
            "material_id": material_id,
            "token": token,
            "filename": "slides.pdf",
            "registration_id": 1,
        }
    )
