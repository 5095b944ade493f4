"""One transaction per unit of work: a request, a CLI command, a scheduled job.

Services only flush. The request commits once, after its handler succeeded (`App`); a CLI
command or a job commits at the end of a `unit_of_work()` block. An exception (or an error
answer, status >= 400) rolls back instead. Only after the commit runs what waits for it
(`after_commit(callback)`: sending, waking the delivery sweep): a rolled-back transaction
drops its callbacks. An IntegrityError raised by the final commit reaches the error handlers
like any other exception raised by the handler (a duplicate sent at the same moment: 409).
Nothing else in the app calls `commit()` (tests/test_transaction.py checks it)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

import sqlalchemy as sa
from flask import Flask, request, session

from app.extensions import db

_CALLBACKS = "after_commit"
_WROTE = "wrote"
_MEMO = "read_memo"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _has_session() -> bool:
    """Whether this request or job has a session at all (one that never touched the database
    has none, and asking for one would make one only to close it)."""
    return db.session.registry.has()


def after_commit(callback: Callable[[], None]) -> None:
    """Runs `callback()` once the current transaction has committed (never if it rolls back).
    It runs outside the transaction: it must not expect the session's writes to be undone."""
    if db.session().get_transaction() is None:
        db.session.begin()  # the callback belongs to this transaction: its rollback drops it
    db.session.info.setdefault(_CALLBACKS, []).append(callback)


def commit() -> None:
    """Commits the session, then runs what waited for the commit."""
    db.session.commit()
    for callback in db.session.info.pop(_CALLBACKS, []):
        callback()


def rollback() -> None:
    if not _has_session():
        return
    db.session.rollback()
    db.session.info.pop(_CALLBACKS, None)


def wrote() -> bool:
    """Whether the session has written (or holds unflushed changes) since its transaction began."""
    if not _has_session():
        return False
    session_ = db.session()
    return bool(session_.info.get(_WROTE) or session_.new or session_.dirty or session_.deleted)


def remembered(key: tuple, load: Callable[[], object]):
    """`load()`, read once per transaction for `key` while the transaction has not written: a
    page asks several parts for the same row (the member's active registration: the order
    list, the activities, the honours...). Once the transaction has written (a flush or a
    write statement) every call reads afresh; its end (commit, rollback) forgets the memo."""
    if wrote():
        return load()
    memo = db.session.info.setdefault(_MEMO, {})
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = load()
        return value


@contextmanager
def unit_of_work() -> Iterator[None]:
    """The transaction of a CLI command or a scheduled job: commits when the block ends, rolls
    back if it raises."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def committing(fn: Callable) -> Callable:
    """Decorates a CLI command (or a job's function) to run as one unit of work."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper


class App(Flask):
    """Flask whose every request handler is one unit of work: after the handler returned a
    successful answer the request commits (if it wrote, or is not a GET), before the answer
    leaves (so a redirect after a POST follows a commit that succeeded). If the handler or
    the commit raises, the transaction and the request's changes to the session cookie
    (flashed success messages, a sign-in) are undone and the error handlers answer."""

    def dispatch_request(self):
        cookie_before = dict(session)
        try:
            response = self.make_response(super().dispatch_request())
            if response.status_code >= 400:
                rollback()
            elif wrote() or request.method not in SAFE_METHODS:
                commit()
        except BaseException:
            rollback()
            if dict(session) != cookie_before:
                session.clear()
                session.update(cookie_before)
            raise
        return response

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_functions: dict = {}

    def ensure_sync(self, func: Callable) -> Callable:
        """Flask asks, for every hook and view of every request, whether it is a coroutine
        function (inspect, ~1 µs each, some 20 per request); the answer never changes."""
        try:
            return self._sync_functions[func]
        except KeyError:
            sync = self._sync_functions[func] = super().ensure_sync(func)
            return sync
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)


def _note_write(orm_execute_state) -> None:
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        orm_execute_state.session.info[_WROTE] = True


def _note_flush(session_, _flush_context) -> None:
    session_.info[_WROTE] = True


def _transaction_ended(session_, _previous) -> None:
    session_.info.pop(_WROTE, None)
    session_.info.pop(_MEMO, None)


def _rolled_back(session_, previous_transaction) -> None:
    session_.info.pop(_MEMO, None)
    if previous_transaction.parent is None:
        session_.info.pop(_WROTE, None)
        session_.info.pop(_CALLBACKS, None)


def install(app: Flask) -> None:
    """Tracks whether the session wrote (so a GET that only reads does not commit)."""
    if getattr(install, "done", False):
        return
    install.done = True
    sa.event.listen(sa.orm.Session, "do_orm_execute", _note_write)
    sa.event.listen(sa.orm.Session, "after_flush", _note_flush)
    sa.event.listen(sa.orm.Session, "after_commit", lambda s: _transaction_ended(s, None))
    sa.event.listen(sa.orm.Session, "after_soft_rollback", _rolled_back)


def release(savepoint) -> None:
    """Keeps a savepoint's (`db.session.begin_nested()`) writes in the enclosing transaction,
    which still commits once, with the unit of work."""
    savepoint.commit()
