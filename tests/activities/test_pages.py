import re
from datetime import timedelta

from app.activities.models import ActivitySignup
from app.points.models import LedgerEntry
from tests.conftest import count


def test_member_signs_up_on_the_page(world, page, make_activity):
    a = make_activity()
    client = page(world.member1)
    assert a.title in client.get("/activities").get_data(as_text=True)
    assert client.post(f"/activities/{a.id}/signup").status_code == 302
    assert "已报名" in client.get(f"/activities/{a.id}").get_data(as_text=True)
    assert count(ActivitySignup, ActivitySignup.member_id == world.member1.id) == 1


def test_staff_posts_an_activity_on_the_page(world, page, now):
    client = page(world.staff1)
    assert client.get("/activities/new").status_code == 200
    start = (now + timedelta(days=3)).astimezone().strftime("%Y-%m-%dT%H:%M")
    end = (now + timedelta(days=3, hours=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    res = client.post("/activities/new", data={
        "community_id": world.comm1.id, "title": "垃圾分类宣传", "category": "洁净家园",
        "checklist_item": "community_activity", "starts_at": start, "ends_at": end, "capacity": 5,
        "points": 4})
    assert res.status_code == 302


def test_qr_page_and_member_checkin(world, page, make_activity, now):
    a = make_activity(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    html = page(world.staff1).get(f"/activities/{a.id}/qr").get_data(as_text=True)
    assert "<svg" in html and "<path" in html
    url = html.split('class="muted url-text">')[1].split("<")[0].replace("&amp;", "&")
    member = page(world.member1)
    path = url.split("localhost", 1)[1]
    assert "确认签到" in member.get(path).get_data(as_text=True)
    code = path.split("code=")[1]
    assert member.post(f"/activities/{a.id}/checkin", data={"code": code}).status_code == 302
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id) == 1
    assert page(world.member1).get(f"/activities/{a.id}/qr").status_code == 403


def test_staff_sees_no_shows(world, page, make_activity, now):
    from app.activities.services import sign_up
    from app.extensions import db

    a = make_activity()
    sign_up(world.member1, a.id, now=now)
    a.starts_at, a.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    db.session.commit()
    html = page(world.staff1).get(f"/activities/{a.id}").get_data(as_text=True)
    assert 'data-testid="no-show"' in html
    assert page(world.staff3).get(f"/activities/{a.id}").status_code == 404


def test_staff_calls_off_on_the_page(world, page, make_activity):
    a = make_activity()
    client = page(world.staff1)
    assert "取消活动" in client.get(f"/activities/{a.id}").get_data(as_text=True)
    assert client.post(f"/activities/{a.id}/call-off", data={"reason": "场地维修"}).status_code == 302
    from app.extensions import db
    db.session.expire_all()
    assert db.session.get(type(a), a.id).is_cancelled


def test_staff_record_attendance_by_picking_a_name(world, page, make_activity):
    a = make_activity()
    html = page(world.staff1).get(f"/activities/{a.id}").get_data(as_text=True)
    assert 'list="activity-members"' in html and 'placeholder="党员编号"' not in html
    assert f'<option value="{world.member1.id}">{world.member1.name}</option>' in html
    assert world.member3.name not in html  # another community's member


def test_qr_check_in_states_its_window_and_refreshes_by_script(world, page, make_activity, now):
    """Issue 14: "签到时间：开始前 30 分钟至结束", the button disabled outside it, a POST then refused
    with the times, the projection mode, and no <meta refresh>."""
    from app.activities.services import checkin_code

    later = make_activity(starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4))
    staff = page(world.staff1)
    html = staff.get(f"/activities/{later.id}/qr").get_data(as_text=True)
    assert "签到时间：开始前 30 分钟至结束" in html and 'data-testid="checkin-closed"' in html
    assert 'http-equiv="refresh"' not in html and "data-refresh-after=" in html
    projection = staff.get(f"/activities/{later.id}/qr?full=1").get_data(as_text=True)
    assert 'class="projection' in projection and "url-text" not in projection
    code = checkin_code(world.staff1, later.id, now=now)["code"]
    member = page(world.member1)
    form = member.get(f"/activities/{later.id}/checkin?code={code}").get_data(as_text=True)
    assert "签到时间：开始前 30 分钟至结束" in form
    assert re.search(r'<button[^>]*disabled[^>]*data-testid="checkin"', form)
    refused = member.post(f"/activities/{later.id}/checkin", data={"code": code})
    assert refused.status_code == 409 and "不在签到时间内。签到时间：" in refused.get_data(as_text=True)
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id) == 0

    soon = make_activity(starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(hours=1))
    code = checkin_code(world.staff1, soon.id, now=now)["code"]
    form = member.get(f"/activities/{soon.id}/checkin?code={code}").get_data(as_text=True)
    assert not re.search(r'<button[^>]*disabled[^>]*data-testid="checkin"', form)
    assert member.post(f"/activities/{soon.id}/checkin", data={"code": code}).status_code == 302
