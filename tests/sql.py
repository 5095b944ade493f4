"""Counting the SQL statements a request or a call sends: the list pages and APIs must not send
one per row, so tests compare the count on a small and a grown data set."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app

from app.database import driver_statements_sent
from app.extensions import db


@contextmanager
def counting_statements() -> Iterator[list]:
    """Collects one item per statement sent while the block runs; len() of it is the count:
    SQLAlchemy's, and those psycopg sends itself (`database.driver_row`, added at the end)."""
    seen: list = []

    def before(*_args, **_kwargs):
        seen.append(1)

    sent = driver_statements_sent()
    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
        seen.extend([1] * (driver_statements_sent() - sent))


def statements(client, path: str) -> int:
    """SQL statements one GET of `path` sends (it must answer 200), starting cold like a real
    request: nothing cached from the test or from a previous request (kept answers included:
    app/auth/read_cache.py)."""
    db.session.commit()
    db.session.expire_all()
    kept = current_app.extensions.get("read_cache")
    if kept is not None:
        kept.entries.clear()
    with counting_statements() as seen:
        res = client.get(path)
        assert res.status_code == 200, res.get_data(as_text=True)[:500]
    return len(seen)
