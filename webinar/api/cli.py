"""Flask commands for API tokens: `flask --app app api token create EMAIL --name NAME`."""

import click
from flask.cli import AppGroup

from ..organiser.services.accounts import find_organiser
from ..organiser.services.api_tokens import TokenError, create_token


@click.group("api", cls=AppGroup)
def api_group() -> None:
    """The REST API under /api/v1."""


@api_group.group("token", cls=AppGroup)
def token_group() -> None:
    """API tokens of organisers."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. the system using it.")
@click.option("--scope", default="read", show_default=True,
              help="read, write, or read,write.")  # fmt: skip
@click.option("--talk", "talks", type=int, multiple=True,
              help="Limit the token to this talk id (repeat for several).")  # fmt: skip
def create_command(email: str, name: str, scope: str, talks: tuple[int, ...]) -> None:
    """Create an API token for an organiser and print it (it is shown only this once)."""
    organiser = find_organiser(email)
    if organiser is None:
        raise click.ClickException(f"No organiser has the email address {email}.")
    if organiser.deactivated_at is not None:
        raise click.ClickException(f"The account of {email} is deactivated.")
    scopes = {part.strip() for part in scope.split(",") if part.strip()}
    try:
        token, secret = create_token(organiser, name, scopes, list(talks))
    except TokenError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created API token {token.id} ({token.scopes}) for {organiser.email}.", err=True)
    click.echo("It is shown only now; keep it somewhere safe:", err=True)
    click.echo(secret)
