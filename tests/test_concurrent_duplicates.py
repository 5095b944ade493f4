"""Duplicates sent at the same moment. A service checks "does it exist?" and then inserts; on
PostgreSQL two requests can both pass the check, and the unique index refuses the second row
at the insert. That is the 409 of a duplicate, never a 500 (on both backends)."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask import Flask

from app.auth import services as auth_services
from app.auth.models import User
from app.errors import handle_integrity_error
from app.extensions import db
from app.points.models import ChecklistItem
from tests import factories as f
from tests.conftest import count


def test_username_taken_between_check_and_insert_is_409_naming_the_field(world, api, monkeypatch):
    """The check passed (the other request had not inserted yet); the insert is refused."""
    monkeypatch.setattr(auth_services, "_check_username", lambda username: None)
    before = count(User)
    res = api().post("/members/signup", {"username": world.member1.username, "password": f.PASSWORD,
                                         "name": "重名", "phone": "13800001111", "unit_id": world.unit1.id})
    assert res.status_code == 409 and "username" in res.json["errors"]
    assert count(User) == before


def test_a_unique_violation_anywhere_answers_409_and_rolls_back(app, world):
    """The safety net for every other check-then-insert (unit names, 组织报到, checklist and
    threshold sets, publicity switches, first rating drafts …)."""
    db.session.add(User(username=world.member1.username, name="x", role="member", password_hash="x"))
    with pytest.raises(sa.exc.IntegrityError) as caught:
        db.session.flush()
    with app.test_request_context("/api/v1/units", method="POST"):
        response, status = handle_integrity_error(caught.value)
    assert status == 409 and response.json["code"] == 409
    with app.test_request_context("/admin/units", method="POST"):
        page = handle_integrity_error(caught.value)
    assert page.status_code == 302  # back to the form with the message flashed


def test_other_integrity_errors_stay_500(world):
    """A NOT NULL or foreign key failure is a bug, not a race: it is not dressed up as a 409."""
    db.session.add(User(username="no_name_user", name=None, role="member", password_hash="x"))
    with pytest.raises(sa.exc.IntegrityError) as caught:
        db.session.flush()
    app = Flask("probe")
    with app.test_request_context("/api/v1/users", method="POST"):
        response, status = handle_integrity_error(caught.value)
    assert status == 500


@pytest.mark.commits
def test_two_admins_saving_a_checklist_at_once_never_500(app):
    """Each save deletes the year's list and inserts the new one: on PostgreSQL the second
    insert meets the first's rows (unique place/year/key)."""
    from app.auth.services import issue_token

    district = f.place("district", "并发区")
    street = f.place("street", "并发街道", district)
    admins = [f.UserFactory(role="street_admin", place_id=street.id) for _ in range(6)]
    tokens = [issue_token(a)[0] for a in admins]
    street_id = street.id
    db.session.commit()
    db.session.close()
    barrier, statuses = threading.Barrier(len(tokens)), []
    body = {"place_id": street_id, "year": 2026,
            "items": [{"key": "suggestion", "required": 2}, {"key": "community_activity", "required": 1}]}

    def worker(token):
        client = app.test_client()
        barrier.wait()
        res = client.put("/api/v1/checklist-config", json=body, headers={"Authorization": f"Bearer {token}"})
        statuses.append(res.status_code)

    threads = [threading.Thread(target=worker, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 200 in statuses and set(statuses) <= {200, 409}
    assert count(ChecklistItem, ChecklistItem.place_id == street_id, ChecklistItem.year == 2026) == 2
