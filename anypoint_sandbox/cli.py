"""Flask commands: ``flask --app anypoint_sandbox seed [--json] [--redirect-uri URI ...]`` and
``flask --app anypoint_sandbox rotate-keys``."""

import json

import click
from flask import Flask

from .oauth import keys
from .seed import seed_demo
from .storage import session


@click.command("seed")
@click.option("--json", "as_json", is_flag=True, help="Print the demo data as one JSON object.")
@click.option("--redirect-uri", "redirect_uris", multiple=True, metavar="URI",
              help="Another redirect URI for the Connected App Lab app (repeatable).")
def seed_command(as_json: bool, redirect_uris: tuple[str, ...]) -> None:
    """(Re)create the demo organization, users and connected apps with new credentials."""
    data = seed_demo(redirect_uris)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"Organization {data['organization']['name']} ({data['organization']['id']})")
    click.echo("Demo accounts:")
    for user in data["users"]:
        click.echo(f"  {user['username']:<10} password {user['password']:<20} ({user['role']})")
    click.echo("Connected apps:")
    for app in data["apps"]:
        click.echo(f"  {app['name']}: client_id {app['client_id']} "
                   f"client_secret {app['client_secret']}")
        click.echo(f"    grant types {', '.join(app['grant_types'])}; "
                   f"redirect URIs {', '.join(app['redirect_uris']) or '-'}")


@click.command("rotate-keys")
def rotate_keys_command() -> None:
    """Add a new signing key; the old one stays in the JWKS for SANDBOX_KEY_GRACE_SECONDS."""
    kid = keys.rotate_keys(session())
    click.echo(f"New signing key {kid} is now used for ID tokens.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(rotate_keys_command)
