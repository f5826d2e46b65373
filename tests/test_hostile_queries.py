"""Hostile values in every address and every query parameter of the site: never a 5xx.

Nothing is listed by hand: the routes come from the URL map, and the query
parameters from the links and GET forms of the pages (every list is made long
enough to show its page links). Each parameter a page uses gets every value of
a fixed corpus; every parameter seen anywhere is sent to every page at once
with a few of them; hypothesis adds random mixtures on top.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.site_walk import fill_lists, get_rules, populate, query_names
from test_hostile_input import EXAMPLES, TEXT

# Each parameter a page uses gets all of these ...
QUERY_VALUES = [
    "", "-1", "1e309", "100000000000000000000", "-100000000000000000000", "9" * 5000,
    "\x00", "\x01\x08\x1b\x7f\r\n", "\u202eevil\u2028", "%_", "' OR 1=1 --",
    "//evil.example", "javascript:alert(1)", "é" * 3000,
]  # fmt: skip
# ... and every page gets every parameter seen anywhere at once, with each of these.
EVERYWHERE_VALUES = [
    "100000000000000000000", "-100000000000000000000", "9" * 5000, "\x01\x08\x1b\x7f\r\n",
    "é" * 3000,
]  # fmt: skip


@pytest.fixture
def app_config(app_config):
    # One talk a page: the lists of talks show their page links with few talks.
    return {**app_config, "EVENTS_PER_PAGE": 1}


@pytest.fixture
def site(app, make_event, make_registrations, owner):
    site = populate(app, make_event, owner)
    fill_lists(app, make_event, make_registrations, site)
    return site


def get(client, path: str, query: dict[str, str] | None = None) -> int:
    """Ask for a page with a query and return its status, which must not be a 5xx."""
    url = f"{path}?{urlencode(query)}" if query else path
    response = client.get(url)
    response.close()
    assert response.status_code < 500, f"{url[:300]}: {response.status_code}"
    return response.status_code


@pytest.mark.slow
def test_every_query_parameter_of_every_page_survives_hostile_values(app, site, owner_client):
    public = app.test_client()
    rules = get_rules(app)
    # Organiser pages as the owner; the sign-in page (which sends the owner on) as the public.
    visits = []
    for rule in rules:
        path = site.url(rule)
        clients = (owner_client, public) if rule.endpoint.startswith("organiser.") else (public,)
        client = next((c for c in clients if get(c, path) == 200), clients[0])
        visits.append((rule, path, client))
    names: dict[str, set[str]] = {}
    for client in (public, owner_client):
        for endpoint, found in query_names(app, client, [site.url(rule) for rule in rules]).items():
            names.setdefault(endpoint, set()).update(found)
    # The walk finds what the lists are known to take.
    assert {"page", "topic", "type"} <= names["events.index"]
    assert {"page", "q", "status", "sort", "order"} <= names["organiser.attendees"]
    everywhere = sorted(set().union(*names.values()))

    for rule, path, client in visits:
        for name in sorted(names.get(rule.endpoint, ())):
            for value in QUERY_VALUES:
                get(client, path, {name: value})
        for value in EVERYWHERE_VALUES:
            get(client, path, dict.fromkeys(everywhere, value))

    @EXAMPLES
    @given(
        visit=st.sampled_from(visits),
        query=st.dictionaries(st.sampled_from([*everywhere, "x"]), TEXT, max_size=4),
    )
    def mixtures(visit, query):
        _rule, path, client = visit
        get(client, path, {name: value[:2000] for name, value in query.items()})

    mixtures()


@pytest.mark.slow
def test_hostile_values_in_every_address_are_never_a_server_error(app, site, owner_client):
    public = app.test_client()
    rules = [rule for rule in get_rules(app) if rule.arguments]

    @EXAMPLES
    @given(value=TEXT.filter(lambda text: text and "/" not in text))
    def visit(value):
        for rule in rules:
            path = site.url(rule)
            for name in rule.arguments:
                path = path.replace(str(site.values[name]), quote(value[:500], safe=""), 1)
            client = owner_client if rule.endpoint.startswith("organiser.") else public
            get(client, path)

    visit()
