from datetime import timedelta

from app.points.models import LedgerEntry
from app.service.models import ServiceRecord, Suggestion
from tests.conftest import count
from tests.sql import statements


def test_member_logs_service_and_staff_verifies_on_pages(world, page, now):
    member = page(world.member1)
    started = (now - timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    res = member.post("/service/records/new", data={
        "category": "守护平安", "checklist_item": "grid_volunteer", "household_id": 0,
        "started_at": started, "hours": "2", "description": "夜间巡逻"})
    assert res.status_code == 302, res.get_data(as_text=True)
    rec = ServiceRecord.query.filter_by(member_id=world.member1.id).one()
    staff = page(world.staff1)
    assert "夜间巡逻" in staff.get("/staff/verify").get_data(as_text=True)
    assert "夜间巡逻" not in page(world.staff3).get("/staff/verify").get_data(as_text=True)
    assert staff.post(f"/staff/verify/records/{rec.id}", data={"decision": "approve"}).status_code == 302
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id) == 1
    assert "已通过" in member.get("/me/service").get_data(as_text=True)


def test_suggestion_decline_on_page_needs_reason(world, page):
    member = page(world.member1)
    res = member.post("/service/suggestions/new", data={"title": "加装扶手", "body": "楼道"})
    assert res.status_code == 302
    sug = Suggestion.query.filter_by(member_id=world.member1.id).one()
    staff = page(world.staff1)
    staff.post(f"/staff/verify/suggestions/{sug.id}", data={"decision": "decline"})
    assert Suggestion.query.filter_by(id=sug.id).one().status == "pending"
    staff.post(f"/staff/verify/suggestions/{sug.id}", data={"decision": "decline", "reason": "已安装"})
    from app.extensions import db
    db.session.expire_all()
    assert db.session.get(Suggestion, sug.id).status == "declined"
    assert count(LedgerEntry) == 0


def test_households_page(world, page):
    staff = page(world.staff1)
    res = staff.post("/staff/households", data={"community_id": world.comm1.id, "name": "赵大爷",
                                                "address": "仓边路9号", "needs": "独居"})
    assert res.status_code == 302
    html = staff.get("/staff/households").get_data(as_text=True)
    assert "赵大爷" in html
    from app.service.models import Household
    h = Household.query.one()
    staff.post("/staff/pairings", data={"household_id": h.id, "member_id": world.member1.id})
    assert world.member1.name in staff.get("/staff/households").get_data(as_text=True)
    assert page(world.member1).get("/staff/households").status_code == 403


def test_list_pages_use_a_constant_number_ofstatements(world, page, now):
    from app.activities.services import create_activity, sign_up
    from app.service.services import create_household, create_record, create_suggestion, pair
    from tests import factories as f

    staff = page(world.staff1)

    def grow(n):
        for i in range(n):
            m = f.member_in(world.comm1)
            create_record(m, community_id=world.comm1.id, category="c", hours=1, description="d",
                          started_at=now - timedelta(hours=2), now=now)
            create_suggestion(m, community_id=world.comm1.id, title="t", body="b", now=now)
            h = create_household(world.staff1, community_id=world.comm1.id, name=f"户{i}", address="a")
            pair(world.staff1, h.id, m.id, now=now)
            a = create_activity(world.staff1, community_id=world.comm1.id, title=f"活动{i}", category="c",
                                starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2),
                                capacity=50, now=now)
            sign_up(m, a.id, now=now)
            sign_up(world.member1, a.id, now=now)

    grow(1)
    before = {p: statements(staff, p) for p in ("/staff/verify", "/staff/households", "/activities")}
    grow(8)
    after = {p: statements(staff, p) for p in before}
    assert after == before
    member = page(world.member1)
    assert statements(member, "/activities") == statements(member, "/activities?all=1")


def test_households_page_picks_members_by_name_from_the_households_community(world, page):
    from app.service.services import create_household

    create_household(world.staff1, community_id=world.comm1.id, name="钱奶奶", address="仓边路3号")
    html = page(world.staff1).get("/staff/households").get_data(as_text=True)
    picker = html[html.index(f'<datalist id="members-{world.comm1.id}">'):]
    picker = picker[:picker.index("</datalist>")]
    assert f'<option value="{world.member1.id}">{world.member1.name}</option>' in picker
    assert world.member2.name in picker
    assert world.member3.name not in picker  # another community's member
    assert f'list="members-{world.comm1.id}"' in html and 'placeholder="党员编号"' not in html


def test_verify_queue_names_the_checklist_item_and_labels_the_reason(world, page, now):
    from app.service.services import create_record

    create_record(world.member1, community_id=world.comm1.id, category="守护平安", hours=1,
                  started_at=now - timedelta(days=1), description="巡逻", checklist_item="grid_volunteer")
    html = page(world.staff1).get("/staff/verify").get_data(as_text=True)
    assert "“当一次网格志愿者”" in html and "grid_volunteer" not in html
    assert 'aria-label="驳回原因"' in html
