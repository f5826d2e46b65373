"""Flask commands: `flask --app app demo`, `flask --app app outbox ...`, `privacy purge`."""

import click
from flask import Flask
from flask.cli import with_appcontext

from .organiser.cli import organiser_group


def init_app(app: Flask) -> None:
    """Attach the project's commands to the app's CLI."""
    from .api.cli import api_group
    from .jobs import outbox_group
    from .privacy import privacy_group

    app.cli.add_command(demo_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(organiser_group)
    app.cli.add_command(privacy_group)
    app.cli.add_command(api_group)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no events.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo talks (running it again adds nothing)."""
    from .demo import load_demo
    from .extensions import db
    from .models import Event

    if if_empty and db.session.scalar(db.select(Event.id).limit(1)) is not None:
        click.echo("The database has events: demo data not loaded.")
        return
    loaded = load_demo()
    created = loaded.created
    click.echo(f"Demo data: {created} new events." if created else "Demo data already loaded.")
    if loaded.organiser_password:
        click.echo(
            f"Organiser sign-in: {loaded.organiser_email} / {loaded.organiser_password}"
        )
