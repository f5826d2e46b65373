"""API tokens: made on the account page (shown once), used, revoked; and on the command line."""

import re

from support.organisers import OWNER_EMAIL, token_of

from webinar.extensions import db
from webinar.models import ApiToken


def make_on_page(client, **fields):
    data = {"csrf_token": token_of(client, "/organiser/account/api-tokens"), "name": "CRM",
            "scopes": ["read"], **fields}  # fmt: skip
    return client.post("/organiser/account/api-tokens", data=data, follow_redirects=True)


def shown_token(page: str) -> str:
    return re.search(r'value="(wbn_[^"]+)"', page).group(1)


def test_a_token_made_on_the_page_is_shown_once_and_works(app, owner_client, owned_event):
    page = make_on_page(owner_client, scopes=["read", "write"]).text
    token = shown_token(page)
    assert "shown only this once" in page
    with app.app_context():
        stored = db.session.scalars(db.select(ApiToken)).one()
        assert token not in (stored.token_hash, stored.prefix) and stored.scopes == "read write"
    # Shown once: the page of the new token is empty the second time.
    again = owner_client.get("/organiser/account/api-tokens/new", follow_redirects=True).text
    assert token not in again and "shown only once" in again
    listed = owner_client.get("/organiser/account/api-tokens").text
    assert "CRM" in listed and token not in listed and "Never" in listed
    response = app.test_client().get(
        f"/api/v1/talks/{owned_event.id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200


def test_a_token_limited_to_a_talk_reaches_only_that_talk(app, owner_client, owned_event,
                                                         make_event, owner):  # fmt: skip
    other = make_event(owner_id=owner, title="Another talk")
    token = shown_token(make_on_page(owner_client, talks=[str(owned_event.id)]).text)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get(f"/api/v1/talks/{owned_event.id}", headers=headers).status_code == 200
    assert api.get(f"/api/v1/talks/{other.id}", headers=headers).status_code == 404
    assert "Another talk" not in owner_client.get("/organiser/account/api-tokens").text.split(
        "New token")[0]  # fmt: skip


def test_the_form_says_what_is_missing(app, owner_client):
    page = make_on_page(owner_client, name="", scopes=[]).text
    assert "Give the token a name." in page and "Choose what the token may do." in page
    with app.app_context():
        assert db.session.scalars(db.select(ApiToken)).all() == []


def revoke_on_page(app, client) -> str:
    """Press Revoke on the first token stored; return the page it leads to."""
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id))
    return client.post(
        f"/organiser/account/api-tokens/{token_id}/revoke",
        data={"csrf_token": token_of(client, "/organiser/account/api-tokens")},
        follow_redirects=True,
    ).text


def test_a_revoked_token_stops_working(app, owner_client, owned_event):
    token = shown_token(make_on_page(owner_client).text)
    page = revoke_on_page(app, owner_client)
    assert "is revoked" in page and "You have no API tokens." in page
    response = app.test_client().get("/api/v1/talks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_another_organisers_token_cannot_be_revoked(app, owner_api, make_organiser, signed_in):
    make_organiser("someone@example.org")
    page = revoke_on_page(app, signed_in("someone@example.org"))
    assert "There is no such token of yours." in page
    assert owner_api.get("/api/v1/talks").status_code == 200


def test_the_command_line_prints_a_working_token_once(app, runner, owner, owned_event):
    result = runner.invoke(args=["api", "token", "create", OWNER_EMAIL, "--name", "Sync",
                                 "--scope", "read,write"])  # fmt: skip
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("wbn_")
    response = app.test_client().get(
        f"/api/v1/talks/{owned_event.id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(ApiToken.scopes)) == "read write"


def test_the_command_line_refuses_an_unknown_scope_or_person(runner, owner):
    wrong = runner.invoke(args=["api", "token", "create", OWNER_EMAIL, "--name", "x",
                                "--scope", "admin"])  # fmt: skip
    assert wrong.exit_code != 0 and "read and write" in wrong.output
    nobody = runner.invoke(args=["api", "token", "create", "nobody@example.org", "--name", "x"])
    assert nobody.exit_code != 0 and "No organiser" in nobody.output
