"""Adjustments under retries: a resent request pays once; two corrections never collapse."""
from datetime import UTC, datetime

import pytest

from app.audit.models import AuditEntry
from app.errors import Conflict
from app.extensions import db
from app.points.models import LedgerEntry
from app.points.services import adjust, total_for
from tests.conftest import count

NOW = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)


def test_two_corrections_at_the_same_moment_are_two_entries(world):
    """The key once was staff/member/time: two corrections stamped with the same `now` (a batch,
    the same clock tick) collapsed into one and the second call returned None."""
    first = adjust(world.staff1, world.member1.id, 5, "补录活动", now=NOW)
    second = adjust(world.staff1, world.member1.id, 5, "补录活动", now=NOW)
    assert first is not None and second is not None and first.id != second.id
    assert total_for(world.member1.id, 2026) == 10
    assert count(AuditEntry, AuditEntry.action == "points.adjust") == 2


def test_a_request_key_sent_twice_pays_once(world):
    first = adjust(world.staff1, world.member1.id, 5, "补录活动", request_key="k-1", now=NOW)
    again = adjust(world.staff1, world.member1.id, 5, "补录活动", request_key="k-1", now=NOW)
    assert again.id == first.id
    assert count(LedgerEntry) == 1 and total_for(world.member1.id, 2026) == 5
    assert count(AuditEntry, AuditEntry.action == "points.adjust") == 1


def test_a_request_key_belongs_to_its_staff_member(world):
    """Another staff member's key of the same spelling is another request."""
    adjust(world.staff1, world.member1.id, 5, "补录", request_key="k-1", now=NOW)
    adjust(world.street_admin, world.member1.id, 5, "补录", request_key="k-1", now=NOW)
    assert count(LedgerEntry) == 2


def test_a_request_key_reused_for_another_correction_is_409(world):
    adjust(world.staff1, world.member1.id, 5, "补录", request_key="k-1", now=NOW)
    with pytest.raises(Conflict):
        adjust(world.staff1, world.member1.id, -5, "扣回", request_key="k-1", now=NOW)
    assert count(LedgerEntry) == 1


def test_api_retry_with_request_key_returns_the_same_entry(world, api):
    client = api(world.staff1)
    body = {"member_id": world.member1.id, "points": 4, "reason": "补录", "request_key": "a1b2"}
    first, retry = client.post("/points/adjustments", body), client.post("/points/adjustments", body)
    assert first.status_code == retry.status_code == 201
    assert retry.json["id"] == first.json["id"]
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id) == 1
    other = client.post("/points/adjustments", {**body, "points": 9})
    assert other.status_code == 409 and "request_key" in other.json["errors"]
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id) == 1


def test_page_double_submit_of_one_form_pays_once(world, page):
    client = page(world.staff1)
    form = client.get("/staff/points/adjust").get_data(as_text=True)
    key = form.split('name="request_key"')[1].split('value="')[1].split('"')[0]
    assert len(key) == 32
    data = {"member_id": world.member1.id, "points": 3, "reason": "补录", "request_key": key}
    assert client.post("/staff/points/adjust", data=data).status_code == 302
    assert client.post("/staff/points/adjust", data=data).status_code == 302
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id) == 1
    fresh = client.get("/staff/points/adjust").get_data(as_text=True)
    assert key not in fresh  # the next form is another correction


def test_staff_of_a_community_he_only_applied_to_cannot_adjust(world, api):
    """newbie's registration with comm1 is pending: staff1 may see him (to decide), not pay him."""
    from app.registrations.services import register

    register(world.newbie, community_id=world.comm1.id, address="仓边路1号")
    db.session.commit()
    assert api(world.staff1).get(f"/members/{world.newbie.id}/points").status_code == 200
    res = api(world.staff1).post("/points/adjustments", {"member_id": world.newbie.id, "points": 50,
                                                        "reason": "提前奖励"})
    assert res.status_code == 403
    assert count(LedgerEntry, LedgerEntry.member_id == world.newbie.id) == 0
