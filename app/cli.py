"""Command line: `flask admin`, `flask demo`, and the domains' own groups (app/<domain>/cli.py
exposing `commands`, a list of click commands or groups, registered here by hand)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.transaction import committing

admin_cli = AppGroup("admin", help="System administrators.")
demo_cli = AppGroup("demo", help="Demo data.")


@admin_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@committing
def create_admin(username: str, password: str) -> None:
    """Create a system administrator."""
    from app.auth.services import create_admin as _create
    from app.errors import DomainError

    try:
        user = _create(username, password)
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"created admin {user.username} (id {user.id})")


def _account(username: str):
    from app.auth.models import User

    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no account named {username!r}")
    return user


@admin_cli.command("reset-password")
@click.option("--username", required=True)
@committing
def reset_password(username: str) -> None:
    """Give an account a one-time temporary password (printed once; it must be changed at the
    next sign-in) and end its sessions and API tokens."""
    from app.auth.accounts import reset_password as _reset

    password = _reset(None, _account(username))
    click.echo(f"temporary password for {username}: {password}")
    click.echo("it must be changed at the next sign-in; the account's sessions and tokens have ended")


def _switch_command(name: str, active: bool, summary: str) -> None:
    @admin_cli.command(name, help=summary)
    @click.option("--username", required=True)
    @committing
    def command(username: str) -> None:
        from app.auth.accounts import set_active

        set_active(None, _account(username), active)
        click.echo(f"{name}d {username}")


_switch_command("disable", False, "Disable an account: its sessions and API tokens stop at once and it "
                                  "cannot sign in.")
_switch_command("enable", True, "Re-enable a disabled account.")


@demo_cli.command("seed")
@click.option("--members", default=300, show_default=True)
@committing
def seed(members: int) -> None:
    """Build the demo district (idempotent) and print the demo accounts."""
    from app.demo import seed_demo

    accounts = seed_demo(members=members)
    for line in accounts:
        click.echo(line)


def register(app: Flask) -> None:
    from app.imports import cli as imports_cli
    from app.ratings import cli as ratings_cli
    from app.reminders import cli as reminders_cli

    app.cli.add_command(admin_cli)
    app.cli.add_command(demo_cli)
    for command in (*reminders_cli.commands, *imports_cli.commands, *ratings_cli.commands):
        app.cli.add_command(command)
