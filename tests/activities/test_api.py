from datetime import UTC, timedelta

import pytest

from app.activities.models import Activity, ActivitySignup
from app.activities.services import check_in, checkin_code
from app.points.models import ChecklistEvidence, LedgerEntry, PointsTotal
from tests import factories as f
from tests.conftest import count


def body(w, now, **over):
    return {"community_id": w.comm1.id, "title": "敬老院探访", "category": "关爱老人",
            "starts_at": (now + timedelta(days=2)).isoformat(),
            "ends_at": (now + timedelta(days=2, hours=3)).isoformat(), "capacity": 10,
            "points": 8, **over}


def test_staff_posts_and_member_sees_it(world, api, now):
    res = api(world.staff1).post("/activities", body(world, now))
    assert res.status_code == 201, res.json
    assert res.json["checklist_item"] == "community_activity"
    assert api(world.member1).get("/activities").json["total"] == 1
    assert api(world.member3).get("/activities").json["total"] == 0  # another community
    assert api(world.member3).get(f"/activities/{res.json['id']}").status_code == 404


@pytest.mark.parametrize("who,status", [("member1", 403), ("unit_admin1", 403), ("resident1", 403),
                                        ("staff3", 403), ("staff2", 403)])
def test_wrong_role_or_scope_cannot_post(world, api, now, who, status):
    res = api(getattr(world, who)).post("/activities", body(world, now))
    assert res.status_code == status
    assert count(Activity) == 0


@pytest.mark.parametrize("over,field", [
    ({"capacity": 0}, "capacity"), ({"title": ""}, "title"), ({"checklist_item": "nap"}, "checklist_item"),
    ({"starts_at": "tomorrow"}, "starts_at"), ({"community_id": 0}, "community_id"),
    ({"title": "a\x00b"}, "title"), ({"starts_at": "9999-12-31T23:59:59-23:59"}, "starts_at"),
])
def test_bad_input_writes_nothing(world, api, now, over, field):
    res = api(world.staff1).post("/activities", body(world, now, **over))
    assert res.status_code == 422 and field in res.json["errors"]
    assert count(Activity) == 0


def test_ends_before_start_is_422(world, api, now):
    res = api(world.staff1).post("/activities", body(world, now, ends_at=now.isoformat()))
    assert res.status_code == 422 and "ends_at" in res.json["errors"]


def test_signup_full_is_409_and_cancel_frees_the_slot(world, api, make_activity):
    a = make_activity(capacity=1)
    extra = f.member_in(world.comm1)
    assert api(world.member1).post(f"/activities/{a.id}/signups").status_code == 201
    assert api(world.member1).post(f"/activities/{a.id}/signups").status_code == 409
    assert api(world.member2).post(f"/activities/{a.id}/signups").status_code == 409
    assert count(ActivitySignup, ActivitySignup.activity_id == a.id) == 1
    assert api(world.member1).delete(f"/activities/{a.id}/signups").json["status"] == "cancelled"
    assert api(extra).post(f"/activities/{a.id}/signups").status_code == 201


@pytest.mark.parametrize("who,status", [("member3", 403), ("newbie", 403), ("staff1", 403),
                                        ("resident1", 403)])
def test_only_members_registered_there_sign_up(world, api, make_activity, who, status):
    a = make_activity()
    assert api(getattr(world, who)).post(f"/activities/{a.id}/signups").status_code == status
    assert count(ActivitySignup) == 0


def test_attendance_pays_once_and_ticks_the_item(world, api, make_activity, now):
    a = make_activity(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    for _ in range(2):
        res = api(world.staff1).post(f"/activities/{a.id}/attendance", {"member_id": world.member1.id})
        assert res.status_code == 200 and res.json["status"] == "attended"
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id) == 1
    entry = LedgerEntry.query.filter_by(member_id=world.member1.id).one()
    assert (entry.points, entry.source_type, entry.source_id) == (6, "attendance", a.id)
    assert count(ChecklistEvidence, ChecklistEvidence.item_key == "community_activity") == 1
    assert count(ChecklistEvidence, ChecklistEvidence.member_id == world.member2.id) == 0


@pytest.mark.parametrize("who,status", [("staff3", 404), ("member1", 403), ("unit_admin1", 403)])
def test_attendance_wrong_role_or_scope(world, api, make_activity, now, who, status):
    a = make_activity(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    res = api(getattr(world, who)).post(f"/activities/{a.id}/attendance", {"member_id": world.member1.id})
    assert res.status_code == status
    assert count(LedgerEntry) == 0 and count(ChecklistEvidence) == 0


def test_attendance_for_member_of_another_community_is_422(world, api, make_activity, now):
    a = make_activity(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    res = api(world.staff1).post(f"/activities/{a.id}/attendance", {"member_id": world.member3.id})
    assert res.status_code == 422
    assert count(LedgerEntry) == 0


def test_qr_checkin(world, api, make_activity, now):
    a = make_activity(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1))
    res = api(world.staff1).get(f"/activities/{a.id}/checkin-code")
    assert res.status_code == 200
    assert "/checkin" in res.json["url"] and res.json["code"] in res.json["url"]
    assert api(world.member1).post(f"/activities/{a.id}/checkin", {"code": "forged"}).status_code == 422
    assert count(LedgerEntry) == 0
    res = api(world.member1).post(f"/activities/{a.id}/checkin", {"code": res.json["code"]})
    assert res.status_code == 200 and res.json["checkin_method"] == "qr"
    assert PointsTotal.query.filter_by(member_id=world.member1.id).one().total == 6
    assert api(world.member1).get(f"/activities/{a.id}/checkin-code").status_code == 403


def test_expired_or_foreign_code_is_refused(world, make_activity, now):
    a = make_activity(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=3))
    b = make_activity(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=3))
    code = checkin_code(world.staff1, a.id, now=now)["code"]
    from app.errors import Invalid
    with pytest.raises(Invalid):
        check_in(world.member1, a.id, code, now=now + timedelta(minutes=11))
    with pytest.raises(Invalid):
        check_in(world.member1, b.id, code, now=now)
    assert count(LedgerEntry) == 0
    assert check_in(world.member1, a.id, code, now=now + timedelta(minutes=1)).status == "attended"


def test_no_shows_visible_to_staff_after_the_activity(world, api, make_activity, now):
    a = make_activity(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    assert api(world.member1).post(f"/activities/{a.id}/signups").status_code == 201
    assert api(world.member2).post(f"/activities/{a.id}/signups").status_code == 201
    res = api(world.staff1).get(f"/activities/{a.id}/signups")
    assert res.status_code == 200, res.json
    assert res.json["no_shows"] == 0
    a.starts_at, a.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    from app.extensions import db
    db.session.flush()
    api(world.staff1).post(f"/activities/{a.id}/attendance", {"member_id": world.member1.id})
    res = api(world.staff1).get(f"/activities/{a.id}/signups")
    shows = {i["member_id"]: i["no_show"] for i in res.json["items"]}
    assert shows == {world.member1.id: False, world.member2.id: True}
    assert api(world.staff3).get(f"/activities/{a.id}/signups").status_code == 404


@pytest.mark.commits
def test_concurrent_signups_never_exceed_capacity(app):
    """Eight members race for two slots with real transactions: exactly two get in."""
    import threading
    from datetime import datetime

    from app.activities.services import create_activity, sign_up
    from app.auth.models import User
    from app.errors import Conflict
    from app.extensions import db

    now = datetime.now(UTC)
    district = f.place("district", "并发区")
    street = f.place("street", "并发街道", district)
    community = f.place("community", "并发社区", street)
    staff = f.UserFactory(role="staff", place_id=community.id)
    member_ids = [f.member_in(community).id for _ in range(8)]
    activity_id = create_activity(staff, community_id=community.id, title="t", category="c",
                                  starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=1),
                                  capacity=2, now=now).id
    db.session.commit()
    db.session.close()
    barrier, outcomes = threading.Barrier(len(member_ids)), []

    def worker(member_id):
        with app.app_context():
            try:
                barrier.wait()
                sign_up(db.session.get(User, member_id), activity_id)
                db.session.commit()
                outcomes.append("ok")
            except Conflict:
                db.session.rollback()
                outcomes.append("full")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(m,)) for m in member_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full"] * 6 + ["ok"] * 2
    assert count(ActivitySignup, ActivitySignup.activity_id == activity_id) == 2
    assert db.session.get(Activity, activity_id).signup_count == 2


def test_cancel_after_start_and_checkin_outside_the_window_are_409(world, api, make_activity, now):
    started = make_activity(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    from app.activities.services import sign_up
    from app.extensions import db

    sign_up(world.member1, started.id, now=now - timedelta(hours=1))
    db.session.commit()
    assert api(world.member1).delete(f"/activities/{started.id}/signups").status_code == 409
    later = make_activity(starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=1))
    code = api(world.staff1).get(f"/activities/{later.id}/checkin-code").json["code"]
    assert api(world.member1).post(f"/activities/{later.id}/checkin", {"code": code}).status_code == 409
    assert api(world.staff1).post(f"/activities/{later.id}/attendance",
                                  {"member_id": world.member1.id}).status_code == 409
    assert count(LedgerEntry) == 0


@pytest.mark.parametrize("who,status", [("member1", 200), ("staff1", 200), ("street_admin", 200),
                                        ("member3", 404), ("staff3", 404), ("unit_admin1", 403),
                                        ("resident1", 403)])
def test_activity_visibility(world, api, make_activity, who, status):
    a = make_activity()
    assert api(getattr(world, who)).get(f"/activities/{a.id}").status_code == status


def test_staff_cancel_an_activity_and_signed_up_members_hear_of_it(world, api, make_activity):
    from app.notifications.models import Notification

    a = make_activity()
    api(world.member1).post(f"/activities/{a.id}/signups")
    assert api(world.staff1).post(f"/activities/{a.id}/cancel", {}).status_code == 422
    assert api(world.staff3).post(f"/activities/{a.id}/cancel", {"reason": "下雨"}).status_code == 404
    assert api(world.member1).post(f"/activities/{a.id}/cancel", {"reason": "下雨"}).status_code == 403
    assert count(Notification, Notification.kind == "activity_cancelled") == 0
    res = api(world.staff1).post(f"/activities/{a.id}/cancel", {"reason": "暴雨预警"})
    assert res.status_code == 200 and res.json["is_cancelled"]
    assert count(Notification, Notification.kind == "activity_cancelled",
                 Notification.user_id == world.member1.id) == 1
    assert api(world.member2).post(f"/activities/{a.id}/signups").status_code == 409
    assert api(world.staff1).post(f"/activities/{a.id}/cancel", {"reason": "x"}).status_code == 409


@pytest.mark.parametrize("category", ["<img src=x onerror=alert(1)>", "敬老", "", " 关爱老人"])
def test_a_category_outside_the_list_is_a_422_naming_it(world, api, now, category):
    res = api(world.staff1).post("/activities", body(world, now, category=category))
    assert res.status_code == 422 and "category" in res.json["errors"], res.json
    assert count(Activity) == 0
