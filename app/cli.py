"""Command line: `flask admin`, `flask demo`, and the domains' own groups (app/<domain>/cli.py
exposing `commands`, a list of click commands or groups, registered here by hand)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

admin_cli = AppGroup("admin", help="System administrators.")
demo_cli = AppGroup("demo", help="Demo data.")


@admin_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
def create_admin(username: str, password: str) -> None:
    """Create a system administrator."""
    from app.auth.services import create_admin as _create
    from app.errors import DomainError

    try:
        user = _create(username, password)
    except DomainError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"created admin {user.username} (id {user.id})")


@demo_cli.command("seed")
@click.option("--members", default=300, show_default=True)
def seed(members: int) -> None:
    """Build the demo district (idempotent) and print the demo accounts."""
    from app.demo import seed_demo

    accounts = seed_demo(members=members)
    db.session.commit()
    for line in accounts:
        click.echo(line)


def register(app: Flask) -> None:
    from app.reminders import cli as reminders_cli

    app.cli.add_command(admin_cli)
    app.cli.add_command(demo_cli)
    for command in reminders_cli.commands:
        app.cli.add_command(command)
