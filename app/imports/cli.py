"""`flask import KIND FILE [--dry-run] [--as USERNAME] [--stop-on-error]`."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.imports import services
from app.imports.kinds import KINDS
from app.transaction import committing

import_cli = AppGroup("import", help="Bulk imports from .xlsx / .csv files.")


def _command(kind: str):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check and count only; write nothing.")
    @click.option("--as", "username", help="Import as this account (its scope; members approved).")
    @click.option("--stop-on-error", is_flag=True, help="Write nothing if any row has an error.")
    @committing
    def run(file: Path, dry_run: bool, username: str | None, stop_on_error: bool) -> None:
        actor = None
        if username:
            actor = db.session.scalar(sa.select(User).where(User.username == username))
            if actor is None:
                raise click.ClickException(f"no account {username!r}")
        try:
            result = services.run_import(actor, kind, file.read_bytes(), file.name, dry_run=dry_run,
                                         stop_on_error=stop_on_error)
        except DomainError as err:
            db.session.rollback()
            raise click.ClickException(err.message) from None
        for error in result["errors"]:
            click.echo(f"row {error['row']} {error['column']}: {error['message']}")
        state = "dry run" if dry_run else ("stopped, nothing written" if result["stopped"] else "imported")
        click.echo(f"{kind}: {state}; rows {result['rows']}, created {result['created']}, updated "
                   f"{result['updated']}, unchanged {result['unchanged']}, errors {result['error_count']}")

    run.__doc__ = f"Import {kind} ({KINDS[kind].headers[0]}, …) from FILE."
    return import_cli.command(kind)(run)


for _kind in KINDS:
    _command(_kind)

commands = [import_cli]
