from datetime import UTC, timedelta

import pytest

from app.extensions import db
from app.points.models import ChecklistEvidence, LedgerEntry, PointsTotal
from app.service.models import Household, Pairing, ServiceRecord, Suggestion
from app.service.services import create_household, create_record, pair, verify_record
from tests.conftest import count, settle


def record_body(w, now, **over):
    return {"community_id": w.comm1.id, "category": "守护平安", "checklist_item": "grid_volunteer",
            "started_at": (now - timedelta(days=1)).isoformat(), "hours": 3,
            "description": "网格巡逻", **over}


def points_of(member):
    return sum(e.points for e in LedgerEntry.query.filter_by(member_id=member.id))


def test_record_is_pending_and_earns_nothing_until_verified(world, api, now):
    res = api(world.member1).post("/service-records", record_body(world, now))
    assert res.status_code == 201 and res.json["status"] == "pending"
    assert count(LedgerEntry) == 0 and count(ChecklistEvidence) == 0
    res = api(world.staff1).post(f"/service-records/{res.json['id']}/verify", {"approved": True})
    assert res.status_code == 200 and res.json["status"] == "verified"
    assert points_of(world.member1) == 6  # 3 hours x 2 points
    ev = ChecklistEvidence.query.filter_by(member_id=world.member1.id).one()
    assert (ev.item_key, ev.source_type) == ("grid_volunteer", "service_record")


def test_rejected_record_changes_nothing(world, api, now):
    rec_id = api(world.member1).post("/service-records", record_body(world, now)).json["id"]
    assert api(world.staff1).post(f"/service-records/{rec_id}/verify", {"approved": False}).status_code == 422
    res = api(world.staff1).post(f"/service-records/{rec_id}/verify",
                                 {"approved": False, "reason": "时间不符"})
    assert res.status_code == 200 and res.json["status"] == "rejected" and res.json["reason"] == "时间不符"
    assert count(LedgerEntry) == 0 and count(ChecklistEvidence) == 0 and count(PointsTotal) == 0
    assert api(world.staff1).post(f"/service-records/{rec_id}/verify", {"approved": True}).status_code == 409
    assert count(LedgerEntry) == 0


@pytest.mark.parametrize("who,status", [("member1", 403), ("member2", 403), ("unit_admin1", 403),
                                        ("resident1", 403), ("staff3", 404), ("staff2", 404)])
def test_only_staff_of_the_community_verify(world, api, now, who, status):
    rec_id = api(world.member1).post("/service-records", record_body(world, now)).json["id"]
    res = api(getattr(world, who)).post(f"/service-records/{rec_id}/verify", {"approved": True})
    assert res.status_code == status
    assert count(LedgerEntry) == 0
    assert db.session.get(ServiceRecord, rec_id).status == "pending"


def test_nobody_verifies_his_own_service(world, now):
    """Even a record whose member is the verifying account (e.g. data imported under the
    staff's id) is refused by the service itself."""
    from app.errors import Forbidden
    from app.extensions import db

    rec = ServiceRecord(member_id=world.staff1.id, community_id=world.comm1.id, category="x",
                        started_at=now, hours=2, description="d")
    db.session.add(rec)
    db.session.flush()
    with pytest.raises(Forbidden):
        verify_record(world.staff1, rec.id, True)
    assert count(LedgerEntry) == 0


@pytest.mark.parametrize("over,field", [
    ({"hours": 0}, "hours"), ({"hours": 25}, "hours"), ({"checklist_item": "suggestion"}, "checklist_item"),
    ({"description": ""}, "description"), ({"household_id": 99999}, "household_id"),
    ({"started_at": "yesterday"}, "started_at"),
])
def test_bad_record_input_writes_nothing(world, api, now, over, field):
    res = api(world.member1).post("/service-records", record_body(world, now, **over))
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(ServiceRecord) == 0


def test_future_service_is_refused(world, api, now):
    res = api(world.member1).post("/service-records", record_body(
        world, now, started_at=(now + timedelta(days=1)).isoformat()))
    assert res.status_code == 422 and "started_at" in res.json["errors"]
    assert count(ServiceRecord) == 0


def test_member_logs_only_in_his_community(world, api, now):
    res = api(world.member1).post("/service-records", record_body(world, now, community_id=world.comm3.id))
    assert res.status_code == 403
    assert api(world.newbie).post("/service-records", record_body(world, now)).status_code == 403
    assert count(ServiceRecord) == 0


def test_paired_household_help_ticks_help_household(world, api, now):
    h = create_household(world.staff1, community_id=world.comm1.id, name="张阿婆", address="仓边路3号",
                         needs="买菜")
    settle()
    body = record_body(world, now, household_id=h.id, checklist_item=None, category="关爱老人")
    assert api(world.member1).post("/service-records", body).status_code == 422  # not paired yet
    res = api(world.staff1).post("/pairings", {"household_id": h.id, "member_id": world.member1.id})
    assert res.status_code == 201
    assert count(ChecklistEvidence) == 0  # a pairing alone ticks nothing
    rec_id = api(world.member1).post("/service-records", body).json["id"]
    api(world.staff1).post(f"/service-records/{rec_id}/verify", {"approved": True})
    keys = {e.item_key for e in ChecklistEvidence.query.filter_by(member_id=world.member1.id)}
    assert keys == {"help_household"}
    rules = sorted(e.rule_key for e in LedgerEntry.query.filter_by(member_id=world.member1.id))
    assert rules == ["pairing_help", "service_hour"]


def test_household_and_pairing_scope(world, api):
    res = api(world.staff3).post("/households", {"community_id": world.comm1.id, "name": "x", "address": "y"})
    assert res.status_code == 403
    assert api(world.member1).post("/households", {"community_id": world.comm1.id, "name": "x",
                                                   "address": "y"}).status_code == 403
    assert count(Household) == 0
    h = api(world.staff1).post("/households", {"community_id": world.comm1.id, "name": "李大爷",
                                               "address": "仓边路5号"}).json
    assert api(world.staff3).post("/pairings", {"household_id": h["id"],
                                                "member_id": world.member1.id}).status_code == 404
    res = api(world.staff1).post("/pairings", {"household_id": h["id"], "member_id": world.member3.id})
    assert res.status_code == 422  # member of another community
    assert count(Pairing) == 0
    assert api(world.staff1).post("/pairings", {"household_id": h["id"],
                                                "member_id": world.member1.id}).status_code == 201
    assert api(world.staff1).post("/pairings", {"household_id": h["id"],
                                                "member_id": world.member1.id}).status_code == 409
    assert api(world.member1).get("/households").json["total"] == 1
    assert api(world.member2).get("/households").json["total"] == 0


def test_adopted_suggestion_pays_and_ticks(world, api):
    res = api(world.member1).post("/suggestions", {"community_id": world.comm1.id, "title": "增设路灯",
                                                   "body": "小区东门晚上太暗"})
    assert res.status_code == 201
    sid = res.json["id"]
    assert count(ChecklistEvidence) == 0
    assert api(world.member2).post(f"/suggestions/{sid}/adopt").status_code == 403
    assert api(world.staff3).post(f"/suggestions/{sid}/adopt").status_code == 404
    assert count(LedgerEntry) == 0
    assert api(world.staff1).post(f"/suggestions/{sid}/adopt").json["status"] == "adopted"
    assert api(world.staff1).post(f"/suggestions/{sid}/adopt").status_code == 409
    assert points_of(world.member1) == 5
    assert ChecklistEvidence.query.filter_by(member_id=world.member1.id).one().item_key == "suggestion"


def test_declined_suggestion_needs_reason_and_changes_nothing(world, api):
    sid = api(world.member1).post("/suggestions", {"community_id": world.comm1.id, "title": "t",
                                                   "body": "b"}).json["id"]
    assert api(world.staff1).post(f"/suggestions/{sid}/decline", {}).status_code == 422
    res = api(world.staff1).post(f"/suggestions/{sid}/decline", {"reason": "已有类似安排"})
    assert res.json["status"] == "declined"
    assert count(LedgerEntry) == 0 and count(ChecklistEvidence) == 0
    assert db.session.get(Suggestion, sid).reason == "已有类似安排"


def test_lists_are_scoped(world, api, now):
    api(world.member1).post("/service-records", record_body(world, now))
    assert api(world.staff1).get("/service-records?status=pending").json["total"] == 1
    assert api(world.staff3).get("/service-records").json["total"] == 0
    assert api(world.member2).get("/service-records").json["total"] == 0
    assert api(world.street_admin).get("/service-records").json["total"] == 1
    assert api(world.unit_admin1).get("/service-records").status_code == 403


def test_service_level_record_and_pair(world, now):
    h = create_household(world.staff1, community_id=world.comm1.id, name="王奶奶", address="a")
    pair(world.staff1, h.id, world.member2.id, now=now)
    rec = create_record(world.member2, community_id=world.comm1.id, category="关爱老人",
                        started_at=now, hours=1.5, description="陪同就医", household_id=h.id,
                        checklist_item="help_household", now=now)
    verify_record(world.staff1, rec.id, True, now=now)
    assert PointsTotal.query.filter_by(member_id=world.member2.id).one().total == 3 + 5


@pytest.mark.parametrize("who,status", [("member1", 200), ("staff1", 200), ("street_admin", 200),
                                        ("admin", 200), ("member2", 404), ("staff3", 404),
                                        ("staff2", 404), ("unit_admin1", 403), ("resident1", 403)])
def test_record_visibility(world, api, now, who, status):
    rec_id = api(world.member1).post("/service-records", record_body(world, now)).json["id"]
    assert api(getattr(world, who)).get(f"/service-records/{rec_id}").status_code == status


@pytest.mark.parametrize("path", ["/service-records/2147483648", "/service-records/99999/verify",
                                  "/suggestions/99999/adopt"])
def test_unknown_ids_are_404(world, api, path):
    client = api(world.staff1)
    if path.endswith("verify"):
        res = client.post(path, {"approved": True})
    else:
        res = client.post(path) if path.endswith("adopt") else client.get(path)
    assert res.status_code == 404


def test_evidence_counts_in_the_year_the_service_was_done(world, now):
    from datetime import datetime

    from app.points.checklist import completion_for

    done = datetime(2025, 12, 30, 2, tzinfo=UTC)
    rec = create_record(world.member1, community_id=world.comm1.id, category="守护平安", started_at=done,
                        hours=2, description="跨年巡逻", checklist_item="grid_volunteer",
                        now=datetime(2026, 1, 2, tzinfo=UTC))
    verify_record(world.staff1, rec.id, True, now=datetime(2026, 1, 3, tzinfo=UTC))
    assert completion_for([world.member1.id], 2025)[world.member1.id] == (1, 5)
    assert completion_for([world.member1.id], 2026)[world.member1.id] == (0, 5)
    assert LedgerEntry.query.filter_by(member_id=world.member1.id).one().year == 2026


@pytest.mark.parametrize("category", ['"><script>alert(1)</script>', "维修服务", ""])
def test_a_record_category_outside_the_list_is_a_422_naming_it(world, api, now, category):
    res = api(world.member1).post("/service-records", record_body(world, now, category=category))
    assert res.status_code == 422 and "category" in res.json["errors"], res.json
    assert count(ServiceRecord) == 0
