"""The demo data: `flask --app app demo` and the steps of `make run`."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from webinar.extensions import db
from webinar.models import Event, Follower, Material, Series, SeriesRole, Speaker, Topic

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "step-strategic-technologies-for-europe-platform"


def load(runner) -> str:
    """Run the demo command, check it succeeded, return what it printed."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def reference_talk() -> Event:
    """Return the reference talk (call inside an app context)."""
    return db.session.execute(db.select(Event).where(Event.slug == REFERENCE)).scalar_one()


def counts() -> dict[str, int]:
    """Count the rows the demo command creates (call inside an app context)."""
    return {
        model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Event, Speaker, Topic, Material)
    }


def test_demo_creates_the_reference_talk_with_its_five_speakers_in_order(app, runner):
    assert load(runner).startswith("Demo data: 5 new events.\n")
    with app.app_context():
        talk = reference_talk()
        speakers = [(s.name, s.role, s.organisation) for s in talk.speakers]
    assert speakers == [
        ("Davide Lombardo", "Acting Head of the STEP Task Force", "DG BUDG, European Commission"),
        ("Ben Jorgensen", "Chief Project Manager", "CLEAN"),
        ("Elvis Bajric", "Business Developer", "High Tech NL Robotics"),
        ("Mike Richardson", "Senior Project Manager", "OpTecBB"),
        ("Stamatiki Kritas", "Business Development Manager", "Hellenic Bio Cluster"),
    ]


def test_reference_talk_is_on_6_december_2023_from_0830_to_0945_in_brussels(app, runner):
    load(runner)
    with app.app_context():
        talk = reference_talk()
    assert talk.starts_at == datetime(2023, 12, 6, 7, 30, tzinfo=UTC)
    assert talk.ends_at == datetime(2023, 12, 6, 8, 45, tzinfo=UTC)
    assert talk.timezone == "Europe/Brussels"
    assert (talk.local_start.strftime("%H:%M"), talk.local_end.strftime("%H:%M")) == (
        "08:30",
        "09:45",
    )


def test_reference_talk_has_everything_its_page_shows(app, runner):
    load(runner)
    with app.app_context():
        talk = reference_talk()
        topics = [topic.name for topic in talk.topics]
        materials = [(m.kind, m.filename) for m in talk.materials]
        series_slug = talk.series.slug
    assert talk.title == "STEP: Strategic Technologies for Europe Platform"
    assert talk.series_name == "EU Clusters Talk" and series_slug == "eu-clusters-talk"
    assert talk.status == "published"
    assert talk.location == "Virtual Event"
    assert "European Cluster Collaboration Platform" in talk.organised_by
    assert talk.target_audience and talk.event_type and talk.summary
    assert talk.recording_url.startswith("https://")
    assert "## Key takeaways" in talk.post_summary
    # Nested lists in the description: four spaces deep, as Python-Markdown wants.
    assert re.search(r"^- .+\n {4}- ", talk.description, re.MULTILINE)
    assert topics == ["Biotechnologies", "Clean technologies", "Deep and digital technologies"]
    assert materials == [("slides", f"demo-{REFERENCE}-slides.pdf")]


def test_banner_is_a_1600_by_600_image_in_the_upload_folder(app, runner):
    load(runner)
    with app.app_context():
        talk = reference_talk()
    path = Path(app.config["UPLOAD_FOLDER"]) / talk.banner
    with Image.open(path) as banner:
        assert banner.size == (1600, 600)
    assert "STEP" in talk.banner_alt


def test_slides_are_a_pdf_of_several_pages(app, runner):
    load(runner)
    with app.app_context():
        slides = reference_talk().materials[0]
    data = (Path(app.config["UPLOAD_FOLDER"]) / slides.filename).read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 4


def test_every_demo_talk_has_a_banner_file_alt_text_and_a_private_join_url(app, runner):
    load(runner)
    with app.app_context():
        talks = [
            (t.slug, t.banner, t.banner_alt, t.join_url, len(t.speakers), len(t.topics))
            for t in db.session.scalars(db.select(Event))
        ]
    uploads = Path(app.config["UPLOAD_FOLDER"])
    for slug, banner, banner_alt, join_url, speakers, topics in talks:
        assert (uploads / banner).is_file(), slug
        assert banner_alt, slug
        assert join_url.startswith("https://meet.example.org/"), slug
        assert speakers and topics, slug


def test_upcoming_talks_are_in_the_future_and_one_has_20_seats_and_a_waiting_list(app, runner):
    load(runner)
    now = datetime.now(UTC)
    with app.app_context():
        upcoming = db.session.scalars(
            db.select(Event).where(Event.starts_at > now).order_by(Event.starts_at)
        ).all()
    assert len(upcoming) >= 2
    assert all(talk.status == "published" for talk in upcoming)
    assert [(t.capacity, t.waitlist_enabled) for t in upcoming].count((20, True)) == 1
    assert any(talk.capacity is None for talk in upcoming)
    # A Brussels talk starts at a morning hour, local time.
    brussels = [t for t in upcoming if t.timezone == "Europe/Brussels"]
    assert brussels and all(8 <= t.local_start.hour <= 11 for t in brussels)


def test_upcoming_talks_ask_questions_and_one_is_shown_only_for_an_answer(app, runner):
    load(runner)
    now = datetime.now(UTC)
    with app.app_context():
        upcoming = db.session.scalars(db.select(Event).where(Event.starts_at > now)).all()
        assert len(upcoming) >= 2 and reference_talk().questions == []
        for talk in upcoming:
            questions = talk.questions
            kinds = {(question.kind, question.required) for question in questions}
            assert {("single_choice", True), ("long_text", False), ("yes_no", False),
                    ("agreement", True)} <= kinds, talk.slug  # fmt: skip
            labels = {question.label: question for question in questions}
            assert labels["Questions for the speakers"].kind == "long_text"
            assert any("recorded" in q.label for q in questions if q.kind == "agreement")
            [shown] = [question for question in questions if question.shown_if is not None]
            # The condition names an option of the earlier choice question, by id.
            choice = shown.shown_if
            assert choice.kind == "single_choice" and choice.position < shown.position
            chosen = [o.text for o in choice.options if str(o.id) in shown.shown_if_answers]
            assert chosen == ["Another area"]


def test_running_demo_twice_adds_nothing(app, runner):
    load(runner)
    with app.app_context():
        before = counts()
    assert load(runner) == "Demo data already loaded.\n"
    with app.app_context():
        assert counts() == before
    assert before == {"Event": 5, "Speaker": 14, "Topic": 5, "Material": 1}


def test_demo_draws_missing_files_again_for_talks_already_loaded(app, runner):
    load(runner)
    uploads = Path(app.config["UPLOAD_FOLDER"])
    for path in uploads.iterdir():
        path.unlink()
    assert load(runner) == "Demo data already loaded.\n"
    with app.app_context():
        talk = reference_talk()
        banner, slides = talk.banner, talk.materials[0].filename
    assert (uploads / banner).is_file()
    assert (uploads / slides).read_bytes().startswith(b"%PDF")


def test_demo_if_empty_loads_nothing_on_a_database_with_an_event(app, runner, make_event):
    make_event(title="An organiser's own talk")
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.output == "The database has events: demo data not loaded.\n"
    with app.app_context():
        assert counts()["Event"] == 1


def test_demo_if_empty_loads_the_talks_on_an_empty_database(app, runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.output.startswith("Demo data: 5 new events.\nOrganiser sign-in: ")


def flask(*args: str, env: dict[str, str]) -> str:
    """Run `flask --app app ...` in the project, as `make run` does; return its output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_make_run_steps_on_a_fresh_sqlite_file_keep_the_data(tmp_path):
    database = tmp_path / "webinar.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(
        FLASK_SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        FLASK_SECRET_KEY="a-secret-for-this-test",
        FLASK_DEBUG="1",  # as `make run` does: development settings are allowed
        FLASK_UPLOAD_FOLDER=str(tmp_path / "uploads"),
    )
    outputs = []
    for _ in range(2):
        flask("db", "upgrade", env=env)
        outputs.append(flask("demo", "--if-empty", env=env))
    assert outputs[0].startswith("Demo data: 5 new events.\nOrganiser sign-in: demo@example.org / ")
    assert outputs[1] == "The database has events: demo data not loaded.\n"
    with closing(sqlite3.connect(database)) as connection:
        (events,) = connection.execute("SELECT count(*) FROM event").fetchone()
    assert events == 5
    assert (tmp_path / "uploads" / f"demo-{REFERENCE}.png").is_file()


def test_demo_prints_the_organiser_sign_in_once_and_it_owns_the_talks(app, runner, client):
    first, second = load(runner), load(runner)
    match = re.search(r"^Organiser sign-in: demo@example\.org / (\S+)$", first, re.MULTILINE)
    assert match and len(match.group(1)) >= 16
    assert "Organiser sign-in" not in second
    page = client.get("/organiser/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/organiser/login", data={
        "csrf_token": token, "email": "demo@example.org", "password": match.group(1)})
    assert response.status_code == 302
    dashboard = client.get("/organiser/").text
    assert "STEP: Strategic Technologies for Europe Platform" in dashboard


def test_demo_series_have_a_few_confirmed_followers_once(app, runner):
    load(runner)
    load(runner)
    with app.app_context():
        series = db.session.execute(
            db.select(Series).where(Series.slug == "eu-clusters-talk")
        ).scalar_one()
        followers = db.session.scalars(
            db.select(Follower).where(Follower.series_id == series.id)
        ).all()
    assert len(followers) == 5
    assert all(f.is_following for f in followers)


def test_the_reference_series_page_lists_the_reference_talk_and_the_upcoming_talks_of_the_series(
    app, runner, client
):
    load(runner)
    with app.app_context():
        eu = db.session.scalars(db.select(Event).where(Event.series.has(slug="eu-clusters-talk"))
                                .order_by(Event.starts_at)).all()  # fmt: skip
        titles = [(talk.title, talk.starts_at > datetime.now(UTC)) for talk in eu]
        owners = {talk.owner.email for talk in eu}
        series = db.session.scalar(db.select(Series).where(Series.slug == "eu-clusters-talk"))
        series_owners = {role.organiser.email for role in db.session.scalars(
            db.select(SeriesRole).where(SeriesRole.series_id == series.id))}  # fmt: skip
    assert titles[0] == ("STEP: Strategic Technologies for Europe Platform", False)
    assert len(titles) == 3 and all(upcoming for _, upcoming in titles[1:])
    assert series_owners == owners
    page = client.get("/series/eu-clusters-talk")
    assert page.status_code == 200
    upcoming, past = page.text.split('id="past-heading"')
    for title, is_upcoming in titles:
        assert title.replace("'", "&#39;") in (upcoming if is_upcoming else past), title
    assert "regular online meetings for the cluster community" in upcoming.lower()
    assert "Watch the recording" in past
    # Each demo series has its own page, and a second run adds no series.
    load(runner)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Series)) == 3


def test_the_reference_talk_and_an_upcoming_one_read_in_french_and_german(app, runner, client):
    load(runner)
    with app.app_context():
        upcoming = db.session.execute(
            db.select(Event.slug).where(
                Event.other_languages.is_not(None),
                Event.starts_at > datetime.now(UTC),
                Event.slug == "hydrogen-valleys-regional-value-chains",
            )
        ).scalar_one()
    for slug in (REFERENCE, upcoming):
        french = client.get(f"/events/{slug}", headers={"Accept-Language": "fr"}).text
        german = client.get(f"/events/{slug}", headers={"Accept-Language": "de"}).text
        assert '<html lang="fr">' in french and '<html lang="de">' in german
        # Every text of the talk is written in the page's language: none is marked as English.
        for page in (french, german):
            assert 'lang="en"' not in page.split("<article", 1)[1].split("</article>")[0]
    reference_fr = client.get(f"/events/{REFERENCE}", headers={"Accept-Language": "fr"}).text
    assert "STEP : la plateforme Technologies stratégiques pour l&#39;Europe" in reference_fr
    assert "6 décembre 2023, 08:30 – 09:45 CET" in reference_fr
    assert "Chef par intérim de la task force STEP" in reference_fr
    form = client.get(f"/events/{upcoming}/register", headers={"Accept-Language": "fr"}).text
    assert "Dans quel domaine technologique votre cluster" in form
    assert "Technologies propres" in form and "Clean technologies" not in form
    reference_de = client.get(f"/events/{REFERENCE}", headers={"Accept-Language": "de"}).text
    assert "6. Dezember 2023, 08:30–09:45 MEZ" in reference_de
    assert "Kommissarischer Leiter der STEP-Taskforce" in reference_de
