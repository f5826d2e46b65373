"""Time the attendee CSV export in-process, and check another version writes the same bytes.

    .venv/bin/python bench/export_cpu.py --size 100000 --repeats 3
    git show <commit>:webinar/organiser/queries/export.py > webinar/organiser/queries/_before.py
    .venv/bin/python bench/export_cpu.py --postgres --against webinar.organiser.queries._before

The talk has the scale benchmark's five questions and answers (bench/data.py).
Up to 20,000 people it also gets a sensitive question, removed questions (one
of them sensitive), a removed option, other statuses and formula-looking
names, and each version's file is compared under several searches, filters,
sorts and export options. Both versions run interleaved, in one process: the
CPU time (time.process_time) of a shared machine moves less than its wall time.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path; the package lives one level up.
sys.path[0] = str(ROOT)

from sqlalchemy import insert  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from bench import data, servers  # noqa: E402
from webinar.extensions import db  # noqa: E402
from webinar.models import Answer, Event, Question, QuestionOption, Registration  # noqa: E402
from webinar.organiser.queries import export  # noqa: E402
from webinar.organiser.queries.attendee_list import ListParams  # noqa: E402

RICH_UP_TO = 20_000
# (label, kind, sensitive, removed) of the questions added up to RICH_UP_TO people.
EXTRA_QUESTIONS = (
    ("Health note", "short_text", True, False),
    ("Old note", "short_text", False, True),
    ("Old secret", "short_text", True, True),
    ("I agree to be filmed", "agreement", False, False),
)


def enrich(app, event_id: int, questions: dict) -> None:
    """Add what the basic data lacks: statuses, formulas, sensitive and removed questions."""
    with app.app_context():
        ids = db.session.scalars(
            db.select(Registration.id).where(Registration.event_id == event_id)
            .order_by(Registration.id)
        ).all()  # fmt: skip
        for n, registration_id in enumerate(ids[::7]):
            db.session.execute(
                db.update(Registration).where(Registration.id == registration_id)
                .values(status=("waitlisted", "cancelled")[n % 2],
                        first_name="=cmd" if n % 5 == 0 else "Zoë")
            )  # fmt: skip
        rows = []
        for position, (label, kind, sensitive, removed) in enumerate(EXTRA_QUESTIONS, start=5):
            question = Question(event_id=event_id, kind=kind, label=label, position=position,
                                sensitive=sensitive)  # fmt: skip
            db.session.add(question)
            db.session.flush()
            for n, registration_id in enumerate(ids):
                if n % (3 + position) == 0:
                    value = "agreed" if kind == "agreement" else ("+1" if n % 2 else f'a, "{n}"\n')
                    rows.append({"registration_id": registration_id, "question_id": question.id,
                                 "option_id": None, "question_label": label,
                                 "question_kind": kind, "question_position": position,
                                 "value": value})  # fmt: skip
            db.session.execute(insert(Answer), rows)
            rows = []
            if removed:
                db.session.execute(
                    db.update(Answer).where(Answer.question_id == question.id)
                    .values(question_sensitive=sensitive)
                )  # fmt: skip
                db.session.delete(question)
        db.session.execute(
            db.delete(QuestionOption).where(
                QuestionOption.question_id == questions["multiple_choice"]["id"],
                QuestionOption.text == "Export",
            )
        )
        db.session.commit()


def cases(questions: dict) -> list[tuple[dict, dict]]:
    """Return the (query arguments, export options) the versions are compared under."""
    cluster = questions["single_choice"]
    two = [str(cluster["options"][0][0]), str(cluster["options"][2][0])]
    return [
        ({}, {}),
        ({}, {"sensitive": True}),
        ({}, {"per_option": True}),
        ({}, {"sensitive": True, "per_option": True}),
        ({"q": "Last5", "status": "confirmed"}, {}),
        ({"status": "active", "sort": "name", "order": "asc"}, {"per_option": True}),
        ({"q": "zo", f"a{cluster['id']}": two}, {"sensitive": True}),
        ({f"a{questions['yes_no']['id']}": "yes", "sort": "name"}, {}),
    ]


def exported(app, event_id: int, module, args: dict, options: dict) -> tuple[str, float, float]:
    """Return the file as module writes it, and the CPU and wall seconds it took."""
    with app.test_request_context("/"):
        event = db.session.get(Event, event_id)
        db.session.commit()  # as the export view does before it streams
        params = ListParams.from_args(MultiDict(args))
        cpu, wall = time.process_time(), time.perf_counter()
        text = "".join(module.csv_lines(event, params, module.ExportOptions(**options)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        db.session.remove()
    return text, cpu, wall


def measure(url: str, workdir: Path, args: argparse.Namespace) -> bool:
    """Build the talk, compare the versions' files, time each; return whether all were equal."""
    app = data.make_app(url, workdir, servers.new_secret())
    data.migrate(app)
    event_id = data.create_event(app, data.unique_slug("bench-export"), capacity=None)
    questions = data.add_questions(app, event_id)
    data.add_registrations(app, event_id, args.size)
    answers = data.add_answers(app, event_id, questions, 0, args.size)
    if args.size <= RICH_UP_TO:
        enrich(app, event_id, questions)
    print(f"{args.size:,} registrations, {answers:,} answers", flush=True)
    versions = {"this": export}
    if args.against:
        versions["against"] = importlib.import_module(args.against)
    same = True
    for query, options in cases(questions) if args.size <= RICH_UP_TO else [({}, {})]:
        files = {exported(app, event_id, module, query, options)[0] for module in versions.values()}
        same &= len(files) == 1
        print(f"{'same' if len(files) == 1 else 'DIFFERENT'}: {query} {options}", flush=True)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    for _ in range(args.repeats):
        for name, module in versions.items():
            times[name].append(exported(app, event_id, module, {}, {})[1:])
    for name, taken in times.items():
        cpu, wall = [sorted(column) for column in zip(*taken, strict=True)]
        print(f"{name}: CPU min {cpu[0]:.2f} s, median {statistics.median(cpu):.2f} s; "
              f"wall min {wall[0]:.2f} s, median {statistics.median(wall):.2f} s")  # fmt: skip
    data.dispose(app)
    return same


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="registrations (100,000)")
    parser.add_argument("--repeats", type=int, default=3, help="exports timed per version (3)")
    parser.add_argument("--postgres", action="store_true", help="on a PostgreSQL database")
    parser.add_argument("--against", metavar="MODULE", help="another version's export module")
    args = parser.parse_args(argv)
    with servers.scratch_database(args.postgres) as (url, workdir):
        return 0 if measure(url, workdir, args) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
