"""Flask commands for organiser accounts: `flask --app app organiser ...`."""

import sys

import click
from flask.cli import AppGroup

from .services.accounts import AccountError, create_organiser, find_organiser, set_password


def read_password(from_stdin: bool) -> str:
    """Ask for a password twice, or read one line from standard input."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("organiser", cls=AppGroup)
def organiser_group() -> None:
    """Manage organiser accounts."""


@organiser_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The organiser's name, as shown to colleagues.")
@click.option("--admin", is_flag=True, help="Let this organiser see and change every event.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email: str, name: str, admin: bool, password_stdin: bool) -> None:
    """Create an organiser account."""
    password = read_password(password_stdin)
    try:
        organiser = create_organiser(email, name, password, is_admin=admin)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    role = "administrator" if organiser.is_admin else "organiser"
    click.echo(f"Created {role} {organiser.email}.")


@organiser_group.command("list")
def list_command() -> None:
    """List the organiser accounts."""
    from ..extensions import db
    from ..models import Organiser

    organisers = db.session.scalars(db.select(Organiser).order_by(Organiser.email)).all()
    if not organisers:
        click.echo("No organisers yet. Create one with: "
                   "flask --app app organiser create EMAIL --name NAME")
    for organiser in organisers:
        flags = " (admin)" if organiser.is_admin else ""
        click.echo(f"{organiser.email}\t{organiser.name}{flags}")


@organiser_group.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password for an organiser (this also lifts a lockout)."""
    organiser = find_organiser(email)
    if organiser is None:
        raise click.ClickException(f"No organiser has the email {email}.")
    try:
        set_password(organiser, read_password(password_stdin))
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Password changed for {organiser.email}.")
