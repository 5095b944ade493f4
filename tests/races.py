"""Racing real transactions: each call runs in its own thread (own app context, session and
connection), all released at once; used by the `commits` tests of double submits."""
from __future__ import annotations

import threading
from collections.abc import Callable

from app.errors import Conflict
from app.extensions import db


def race(app, calls: list[Callable[[], object]]) -> list[str]:
    """Runs the calls at once, each committing; returns "ok" / "conflict" per call, in the
    order they finished. Any other exception fails the calling test."""
    barrier, outcomes, errors = threading.Barrier(len(calls)), [], []

    def worker(call):
        with app.app_context():
            try:
                barrier.wait()
                call()
                db.session.commit()
                outcomes.append("ok")
            except Conflict:
                db.session.rollback()
                outcomes.append("conflict")
            except Exception as exc:  # pragma: no cover - reported below
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], errors
    return outcomes
