"""Commit once per unit of work (app/transaction.py): handlers, services, CLI commands and jobs
never commit themselves; what waits for the commit runs only after it."""
from __future__ import annotations

import ast
from pathlib import Path

from app import transaction
from app.auth.models import User
from app.extensions import db
from tests import factories as f
from tests.conftest import count
from tests.sql import counting_statements

APP = Path(__file__).resolve().parent.parent / "app"


def commit_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit"]


def test_no_module_but_the_transaction_module_calls_commit():
    calls = {str(p.relative_to(APP)): lines for p in sorted(APP.rglob("*.py"))
             if p.name != "transaction.py" and (lines := commit_calls(p))}
    assert calls == {}


def test_the_scan_finds_a_commit_call(tmp_path):
    handler = tmp_path / "views.py"
    handler.write_text("def approve():\n    x = 1\n    db.session.commit()\n")
    assert commit_calls(handler) == [3]


def test_after_commit_runs_after_the_commit_and_never_after_a_rollback(app):
    ran = []
    transaction.after_commit(lambda: ran.append("rolled back"))
    transaction.rollback()
    transaction.after_commit(lambda: ran.append("committed"))
    assert ran == []
    transaction.commit()
    assert ran == ["committed"]
    transaction.commit()  # the queue is empty again
    assert ran == ["committed"]


def test_a_plain_session_rollback_drops_what_waited(app):
    ran = []
    transaction.after_commit(lambda: ran.append(1))
    db.session.rollback()
    transaction.commit()
    assert ran == []


def test_a_unit_of_work_that_raises_writes_nothing(app):
    before = count(User)
    try:
        with transaction.unit_of_work():
            f.MemberFactory()
            db.session.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert count(User) == before


def test_a_request_that_wrote_commits_and_one_that_fails_does_not(world, api):
    member = api(world.staff1)
    before = count(User)
    res = member.post("/users", json={"username": "newres1", "password": "s3cret-pass-1",
                                      "name": "张三", "role": "resident",
                                      "place_id": world.comm1.id})
    assert res.status_code == 201, res.json
    db.session.rollback()  # what the request committed survives the test's own rollback
    assert count(User) == before + 1
    res = member.post("/users", json={"username": "newres1", "password": "s3cret-pass-1",
                                      "name": "张三", "role": "resident",
                                      "place_id": world.comm1.id})
    assert res.status_code == 409
    db.session.rollback()
    assert count(User) == before + 1


def test_a_remembered_read_runs_once_until_the_unit_of_work_writes(app):
    """transaction.remembered(): the same read once per transaction while nothing is written;
    a write (flush or UPDATE statement), a commit or a rollback forgets it."""
    import sqlalchemy as sa

    from app.registrations.services import active_registration

    reads = []

    def load():
        reads.append(1)
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))

    first = transaction.remembered(("users",), load)
    assert transaction.remembered(("users",), load) == first and len(reads) == 1
    f.UserFactory()  # a flush: forgotten, and not remembered while the transaction has written
    assert transaction.remembered(("users",), load) == first + 1
    assert transaction.remembered(("users",), load) == first + 1 and len(reads) == 3
    transaction.commit()
    transaction.remembered(("users",), load)
    transaction.remembered(("users",), load)
    assert len(reads) == 4
    db.session.execute(sa.update(User).where(User.id == -1).values(name="x"))  # an UPDATE statement
    transaction.remembered(("users",), load)
    assert len(reads) == 5
    transaction.rollback()
    transaction.remembered(("users",), load)
    transaction.remembered(("users",), load)
    assert len(reads) == 6
    # the member's registration, read by several parts of one page, is such a read
    member_id = f.MemberFactory().id
    transaction.commit()
    with counting_statements() as once:
        assert active_registration(member_id) is None
    transaction.commit()
    with counting_statements() as twice:
        assert active_registration(member_id) is None and active_registration(member_id) is None
    assert len(twice) == len(once) >= 1
