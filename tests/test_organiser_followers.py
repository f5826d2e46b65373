"""Organisers with a role on a series see its followers: counts, growth, list, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from webinar.extensions import db
from webinar.models import AuditEntry, Organiser, SeriesRole


def give_role(app, series, organiser_id: int, role: str) -> None:
    with app.app_context():
        db.session.add(SeriesRole(series_id=series.id, organiser_id=organiser_id, role=role))
        db.session.commit()


@pytest.fixture
def followed(app, clock, a_series, owner, make_follower):
    """The owner's series with two followers, one who stopped, and one not yet confirmed."""
    give_role(app, a_series, owner, "owner")
    clock.set(clock())
    now = clock()
    make_follower(email="ada@example.org", name="Ada Lovelace",
                  confirmed_at=now - timedelta(weeks=3))  # fmt: skip
    make_follower(email="grace@example.org", name="=HYPERLINK(\"http://evil\")",
                  confirmed_at=now - timedelta(days=1))  # fmt: skip
    make_follower(email="left@example.org", confirmed_at=now - timedelta(weeks=2),
                  unsubscribed_at=now - timedelta(days=2))  # fmt: skip
    make_follower(email="unsure@example.org", confirmed_at=None)
    return a_series


def test_the_series_page_counts_its_followers_and_links_to_them(owner_client, followed):
    page = owner_client.get(f"/organiser/series/{followed.id}").text
    assert "2 people are following this series." in page
    followers = owner_client.get(f"/organiser/series/{followed.id}/followers").text
    assert '<dd class="followers-now">2</dd>' in followers
    assert "<dt>Asked, not confirmed yet</dt><dd>1</dd>" in followers
    assert "<dt>Stopped following</dt><dd>1</dd>" in followers
    assert "ada@example.org" in followers and "unsure@example.org" not in followers
    # The week-by-week table ends with this week's total.
    last_row = followers.split("</tbody>")[0].rsplit("<tr>", 1)[1]
    assert last_row.endswith("<td>2</td></tr>\n    ")


def test_the_csv_export_keeps_formulas_inert_and_is_logged(app, owner_client, followed):
    response = owner_client.get(f"/organiser/series/{followed.id}/followers.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Email", "Name"]
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {"ada@example.org", "grace@example.org", "left@example.org"}
    assert by_email["grace@example.org"][1] == "'=HYPERLINK(\"http://evil\")"
    with app.app_context():
        (entry,) = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "followers_exported")
        ).all()
    assert entry.details == f"series {followed.id}: Cluster Voices"


def test_the_csv_titles_are_in_the_organiser_language(app, owner, owner_client, followed):
    with app.app_context():
        db.session.get(Organiser, owner).language = "fr"  # chosen on the account page
        db.session.commit()
    response = owner_client.get(f"/organiser/series/{followed.id}/followers.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "E-mail", "Nom", "Langue", "Abonné depuis (UTC)", "Fin de l'abonnement (UTC)",
        "Consentement à l'avis de confidentialité (UTC)", "Version de l'avis de confidentialité",
    ]  # fmt: skip
    assert "'=HYPERLINK(\"http://evil\")" in {row[1] for row in rows[1:]}


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_everyone_on_the_series_team_sees_the_followers(
    app, signed_in, make_organiser, followed, role
):
    member = make_organiser(f"{role}@example.org")
    give_role(app, followed, member, role)
    client = signed_in(f"{role}@example.org")
    assert "ada@example.org" in client.get(f"/organiser/series/{followed.id}/followers").text
    assert client.get(f"/organiser/series/{followed.id}/followers.csv").status_code == 200


def test_organisers_without_a_role_find_no_followers(app, signed_in, make_organiser, followed):
    make_organiser("stranger@example.org")
    client = signed_in("stranger@example.org")
    assert client.get(f"/organiser/series/{followed.id}/followers").status_code == 404
    assert client.get(f"/organiser/series/{followed.id}/followers.csv").status_code == 404
    anonymous = app.test_client().get(f"/organiser/series/{followed.id}/followers")
    assert anonymous.status_code == 302
