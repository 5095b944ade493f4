"""`flask ratings rebuild-tally`: recount the units' need tallies from the orders (after the
migration that adds them, or after loading orders outside the app)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.ratings import need_tally
from app.transaction import committing

ratings_group = AppGroup("ratings", help="Ratings maintenance.")


@ratings_group.command("rebuild-tally")
@click.option("--year", type=int, multiple=True, help="Only these years (default: every year with needs).")
@committing
def rebuild_tally(year: tuple[int, ...]) -> None:
    """Recount the need tallies 绩效评估 and 单位评议 read (set-based, two statements a year)."""
    written = need_tally.rebuild(year or None)
    click.echo(f"need tallies: {written} rows")


commands = [ratings_group]
