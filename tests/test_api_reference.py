"""The API reference page: made from the OpenAPI document, with local files only, under the CSP."""

import re

import pytest
from playwright.sync_api import expect

from webinar.security import CONTENT_SECURITY_POLICY


def test_the_reference_lists_every_operation_of_the_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for path, item in spec["paths"].items():
        for method in set(item) - {"parameters"}:
            assert f"{method.upper()} {path}" in page.text
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in page.text


def test_the_reference_loads_nothing_from_elsewhere_and_runs_no_script(client):
    page = client.get("/api/v1/docs").text
    assert "<script" not in page.replace('<script src="/static/', "")
    sources = re.findall(r'(?:src|href)="([^"#]+)"', page)
    assert sources and all(source.startswith("/") for source in sources), sources


@pytest.mark.browser
def test_the_reference_renders_under_the_sites_csp_with_javascript_off(new_tab):
    # new_tab fails the test on any CSP violation or console error.
    for javascript in (True, False):
        tab = new_tab(javascript=javascript, width=360)
        tab.goto("/api/v1/docs")
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Webinar API")
        expect(tab.get_by_role("heading", name="GET /api/v1/talks", exact=True)).to_be_visible()
        # The site's own style sheet applied: the layout's header is styled.
        assert tab.evaluate("getComputedStyle(document.body).margin") == "0px"
