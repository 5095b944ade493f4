"""Project sessions (场次): staff add, edit and cancel them by role and scope (403 outside the
role, 404 outside the scope), bad input (422 naming the field, nothing written), members sign up
by session (one per session, the last slot 409) and cancel before it starts, closing credits
the sessions attended and pays once per member; and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.models import AuditEntry
from app.clock import local_today
from app.errors import Conflict, Invalid
from app.extensions import db
from app.notifications.models import Notification
from app.points.models import LedgerEntry
from app.projects import services, sessions
from app.projects.models import ProjectSession, ProjectSignup
from tests import factories as f
from tests.conftest import at, count, settle
from tests.projects.conftest import post_project


def _iso(day, hour, minute=0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+08:00"


@pytest.fixture
def live(cob):
    """A project of comm1 running from yesterday for 60 days, with two sessions: s1 in a week
    (09:00–11:30, 2 slots), s2 in two weeks (14:00–17:00, 5 slots)."""
    today = local_today()
    cob.today = today
    cob.live = post_project(
        cob.staff1,
        cob.comm1,
        title="周末义诊",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=60),
        points=12,
        hours=2.0,
    )
    cob.day1, cob.day2 = today + timedelta(days=7), today + timedelta(days=14)
    cob.s1 = sessions.create_session(
        cob.staff1,
        cob.live.id,
        title="第一场：血压测量",
        starts_at=at(cob.day1, 9, 0),
        ends_at=at(cob.day1, 11, 30),
        slots=2,
        location="社区活动室",
    )
    cob.s2 = sessions.create_session(
        cob.staff1,
        cob.live.id,
        title="第二场：用药咨询",
        starts_at=at(cob.day2, 14, 0),
        ends_at=at(cob.day2, 17, 0),
        slots=5,
    )
    settle()
    return cob


def _session_body(w, **over):
    return {
        "title": "第三场：健康讲座",
        "location": "二楼会议室",
        "starts_at": _iso(w.day1, 14),
        "ends_at": _iso(w.day1, 16),
        "slots": 10,
        **over,
    }


# ---- staff add, list, edit, cancel ------------------------------------------------------------


@pytest.mark.parametrize(
    "who,status",
    [
        ("admin", 201),
        ("street_admin", 201),
        ("staff1", 201),
        ("staff2", 404),
        ("staff3", 404),
        ("unit_admin1", 403),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_adding_a_session_by_role_and_scope(live, api, who, status):
    before, audited = count(ProjectSession), count(AuditEntry, AuditEntry.action == "project.session_add")
    res = api(getattr(live, who)).post(f"/projects/{live.live.id}/sessions", _session_body(live))
    assert res.status_code == status, res.json
    assert count(ProjectSession) == before + (status == 201)
    assert count(AuditEntry, AuditEntry.action == "project.session_add") == audited + (status == 201)
    if status == 201:
        body = res.json
        assert (body["slots_left"], body["hours"], body["status"]) == (10, 2.0, "active")
        assert body["starts_at"] == _iso(live.day1, 14)
        events = api(live.staff1).get(f"/projects/{live.live.id}").json["events"]
        assert [e["action"] for e in events][-1] == "session_add"


@pytest.mark.parametrize(
    "over,field",
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"ends_at": "d1-13"}, "ends_at"),  # ends before it starts
        ({"ends_at": "d1-14"}, "ends_at"),  # ends when it starts
        ({"slots": 0}, "slots"),
        ({"slots": 1.5}, "slots"),
        ({"slots": 10001}, "slots"),
        ({"starts_at": "before", "ends_at": "before-end"}, "starts_at"),  # before the project's period
        ({"starts_at": "after", "ends_at": "after-end"}, "ends_at"),  # after the project's period
        ({"starts_at": "past", "ends_at": "past-end"}, "starts_at"),  # already begun
        ({"ends_at": "next-day-late"}, "ends_at"),  # longer than 24 hours
        ({"starts_at": "明天"}, "starts_at"),
        ({"ends_at": None}, "ends_at"),
        ({"location": "x" * 201}, "location"),
    ],
)
def test_bad_session_input_is_422_naming_the_field_and_nothing_written(live, api, over, field):
    project = live.live
    moments = {
        "d1-13": _iso(live.day1, 13),
        "d1-14": _iso(live.day1, 14),
        "before": _iso(project.starts_on - timedelta(days=1), 9),
        "before-end": _iso(project.starts_on - timedelta(days=1), 10),
        "after": _iso(project.ends_on, 20),
        "after-end": _iso(project.ends_on + timedelta(days=1), 1),
        "past": _iso(live.today - timedelta(days=1), 9),
        "past-end": _iso(live.today - timedelta(days=1), 10),
        "next-day-late": _iso(live.day1 + timedelta(days=1), 15),
    }
    over = {k: moments.get(v, v) if isinstance(v, str) else v for k, v in over.items()}
    body = {k: v for k, v in _session_body(live, **over).items() if v is not None}
    before, audited = count(ProjectSession), count(AuditEntry)
    res = api(live.staff1).post(f"/projects/{project.id}/sessions", body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(ProjectSession) == before and count(AuditEntry) == audited


@pytest.mark.parametrize(
    "who,status",
    [
        ("staff1", 200),
        ("street_admin", 200),
        ("unit_admin1", 200),
        ("member1", 200),
        ("staff3", 404),
        ("member3", 404),
        ("resident1", 403),
    ],
)
def test_listing_the_sessions_by_role_and_scope(live, api, who, status):
    res = api(getattr(live, who)).get(f"/projects/{live.live.id}/sessions")
    assert res.status_code == status, res.json
    if status == 200:
        assert [s["title"] for s in res.json] == ["第一场：血压测量", "第二场：用药咨询"]
        assert [s["slots_left"] for s in res.json] == [2, 5]


def test_sessions_of_a_closed_project_cannot_be_added(live, api):
    services.close_project(live.staff1, live.live.id, "完成")
    settle()
    res = api(live.staff1).post(f"/projects/{live.live.id}/sessions", _session_body(live))
    assert res.status_code == 409 and count(ProjectSession) == 2


@pytest.mark.parametrize(
    "who,status", [("staff1", 200), ("street_admin", 200), ("staff2", 404), ("member1", 403)]
)
def test_editing_a_session_by_role_and_scope(live, api, who, status):
    services.sign_up(live.member1, live.live.id, live.s1.id)
    settle()
    res = api(getattr(live, who)).open(
        "PATCH", f"/projects/{live.live.id}/sessions/{live.s1.id}", json={"location": "卫生服务站"}
    )
    assert res.status_code == status, res.json
    db.session.expire_all()
    assert db.session.get(ProjectSession, live.s1.id).location == (
        "卫生服务站" if status == 200 else "社区活动室"
    )
    told = count(Notification, Notification.kind == "project_session_changed")
    assert told == (status == 200)
    assert count(AuditEntry, AuditEntry.action == "project.session_edit") == (status == 200)


@pytest.mark.parametrize(
    "body,field",
    [({"slots": 1}, "slots"), ({"ends_at": "early"}, "ends_at"), ({"title": ""}, "title")],
)
def test_bad_edits_are_422_and_change_nothing(live, api, body, field):
    for member in (live.member1, live.member2):
        services.sign_up(member, live.live.id, live.s2.id)
    settle()
    if body.get("ends_at") == "early":
        body = {"ends_at": _iso(live.day2, 13)}
    res = api(live.staff1).open("PATCH", f"/projects/{live.live.id}/sessions/{live.s2.id}", json=body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    db.session.expire_all()
    session = db.session.get(ProjectSession, live.s2.id)
    assert (session.slots, session.title, session.ends_at) == (5, "第二场：用药咨询", at(live.day2, 17, 0))


@pytest.mark.parametrize(
    "who,status", [("staff1", 200), ("admin", 200), ("staff3", 404), ("unit_admin1", 403), ("member1", 403)]
)
def test_cancelling_a_session_by_role_and_scope(live, api, who, status):
    services.sign_up(live.member1, live.live.id, live.s1.id)
    settle()
    res = api(getattr(live, who)).post(
        f"/projects/{live.live.id}/sessions/{live.s1.id}/cancel", {"reason": "场地临时占用"}
    )
    assert res.status_code == status, res.json
    db.session.expire_all()
    assert db.session.get(ProjectSession, live.s1.id).status == ("cancelled" if status == 200 else "active")
    told = count(
        Notification,
        Notification.kind == "project_session_cancelled",
        Notification.user_id == live.member1.id,
    )
    assert told == (status == 200)
    assert count(AuditEntry, AuditEntry.action == "project.session_cancel") == (status == 200)


def test_a_cancelled_session_takes_no_sign_up_and_needs_a_reason(live, api):
    url = f"/projects/{live.live.id}/sessions/{live.s1.id}/cancel"
    res = api(live.staff1).post(url, {"reason": " "})
    assert res.status_code == 422 and "reason" in res.json["errors"]
    assert api(live.staff1).post(url, {"reason": "下雨"}).status_code == 200
    assert api(live.staff1).post(url, {"reason": "下雨"}).status_code == 409
    res = api(live.member1).post(f"/projects/{live.live.id}/signups", {"session_id": live.s1.id})
    assert res.status_code == 409 and count(ProjectSignup) == 0
    listed = api(live.member1).get(f"/projects/{live.live.id}/sessions").json
    assert [(s["status"], s["slots_left"]) for s in listed] == [("cancelled", 0), ("active", 5)]


# ---- members sign up by session -----------------------------------------------------------------


@pytest.mark.parametrize(
    "who,status",
    [
        ("member1", 201),
        ("member2", 201),
        ("member3", 404),
        ("newbie", 404),
        ("staff1", 403),
        ("unit_admin1", 403),
        ("resident1", 403),
    ],
)
def test_signing_up_for_a_session_by_role_and_scope(live, api, who, status):
    res = api(getattr(live, who)).post(f"/projects/{live.live.id}/signups", {"session_id": live.s1.id})
    assert res.status_code == status, res.json
    assert count(ProjectSignup) == (status == 201)
    if status == 201:
        assert res.json["session_id"] == live.s1.id
        sessions_now = api(live.staff1).get(f"/projects/{live.live.id}").json["sessions"]
        assert [s["slots_left"] for s in sessions_now] == [1, 5]


@pytest.mark.parametrize("body,field", [({}, "session_id"), ({"session_id": "x"}, "session_id"),
                                        ({"session_id": "other"}, "session_id")])
def test_a_project_with_sessions_is_signed_up_for_by_session(live, api, body, field):
    if body.get("session_id") == "other":
        period = {"starts_on": live.live.starts_on, "ends_on": live.live.ends_on}
        other = post_project(live.staff1, live.comm1, **period)
        elsewhere = sessions.create_session(
            live.staff1, other.id, title="别的场次", starts_at=at(live.day1, 9), ends_at=at(live.day1, 10),
            slots=3,
        )
        settle()
        body = {"session_id": elsewhere.id}
    res = api(live.member1).post(f"/projects/{live.live.id}/signups", body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(ProjectSignup) == 0
    assert db.session.get(ProjectSession, live.s1.id).signup_count == 0


def test_a_project_without_sessions_takes_no_session_id(cob, api):
    res = api(cob.member1).post(f"/projects/{cob.project.id}/signups", {"session_id": 999999})
    assert res.status_code == 422 and "session_id" in res.json["errors"] and count(ProjectSignup) == 0
    res = api(cob.member1).post(f"/projects/{cob.project.id}/signups")  # as before sessions
    assert res.status_code == 201 and res.json["session_id"] is None


def test_one_sign_up_per_session_and_the_last_slot_is_409(live, api):
    url = f"/projects/{live.live.id}/signups"
    assert api(live.member1).post(url, {"session_id": live.s1.id}).status_code == 201
    assert api(live.member1).post(url, {"session_id": live.s1.id}).status_code == 409
    assert api(live.member1).post(url, {"session_id": live.s2.id}).status_code == 201  # another session
    assert api(live.member2).post(url, {"session_id": live.s1.id}).status_code == 201
    late = f.member_in(live.comm1)
    settle()
    res = api(late).post(url, {"session_id": live.s1.id})
    assert res.status_code == 409
    assert db.session.get(ProjectSession, live.s1.id).signup_count == 2
    assert count(ProjectSignup, ProjectSignup.session_id == live.s1.id) == 2


def test_a_started_session_takes_no_sign_up(live, now):
    with pytest.raises(Conflict):
        services.sign_up(live.member1, live.live.id, live.s1.id, now=at(live.day1, 9, 30))
    assert count(ProjectSignup) == 0


def test_a_member_cancels_his_sign_up_before_the_session_starts(live, api):
    url = f"/projects/{live.live.id}/signups"
    mine = api(live.member1).post(url, {"session_id": live.s1.id}).json
    theirs = api(live.member2).post(url, {"session_id": live.s1.id}).json
    assert api(live.member1).post(f"{url}/{theirs['id']}/cancel").status_code == 404
    assert api(live.staff1).post(f"{url}/{mine['id']}/cancel").status_code == 403
    res = api(live.member1).post(f"{url}/{mine['id']}/cancel")
    assert res.status_code == 200, res.json
    assert api(live.member1).post(f"{url}/{mine['id']}/cancel").status_code == 404
    assert db.session.get(ProjectSession, live.s1.id).signup_count == 1
    assert count(ProjectSignup, ProjectSignup.member_id == live.member1.id) == 0
    assert api(live.member1).post(url, {"session_id": live.s1.id}).status_code == 201  # the slot again


def test_no_cancelling_once_the_session_started(live):
    signup = services.sign_up(live.member1, live.live.id, live.s1.id)
    settle()
    with pytest.raises(Conflict):
        services.cancel_signup(live.member1, live.live.id, signup.id, now=at(live.day1, 9, 1))
    assert db.session.get(ProjectSession, live.s1.id).signup_count == 1 and count(ProjectSignup) == 1


def test_a_project_sign_up_is_cancelled_before_the_first_day_only(cob, api):
    later = post_project(
        cob.staff1,
        cob.comm1,
        starts_on=local_today() + timedelta(days=3),
        ends_on=local_today() + timedelta(days=30),
    )
    settle()
    for project_id, status in ((later.id, 200), (cob.project.id, 409)):  # cob.project began on 2026-11-01
        signup = api(cob.member1).post(f"/projects/{project_id}/signups").json
        res = api(cob.member1).post(f"/projects/{project_id}/signups/{signup['id']}/cancel")
        assert res.status_code == status, res.json
    assert db.session.get(type(later), later.id).signup_count == 0
    assert db.session.get(type(later), cob.project.id).signup_count == 1


# ---- closing with sessions ----------------------------------------------------------------------


def test_closing_credits_the_sessions_attended_and_pays_once(live, api):
    third = sessions.create_session(
        live.staff1, live.live.id, title="第三场", starts_at=at(live.day2, 9), ends_at=at(live.day2, 10),
        slots=3,
    )
    fourth = sessions.create_session(
        live.staff1,
        live.live.id,
        title="第四场",
        starts_at=at(live.day2 + timedelta(days=20), 9),
        ends_at=at(live.day2 + timedelta(days=20), 10),
        slots=3,
    )
    late = f.member_in(live.comm1)
    m1 = [services.sign_up(live.member1, live.live.id, s.id) for s in (live.s1, live.s2)]
    m2 = services.sign_up(live.member2, live.live.id, live.s1.id)
    services.sign_up(live.member2, live.live.id, third.id)
    gone = services.sign_up(late, live.live.id, fourth.id)  # not held by the closing
    sessions.cancel_session(live.staff1, live.live.id, third.id, "人手不足")
    settle()
    closing = at(live.day2 + timedelta(days=1))
    with pytest.raises(Invalid) as bad:
        services.close_project(live.staff1, live.live.id, "完成", absent_signup_ids=[999999], now=closing)
    assert "absent_signup_ids" in bad.value.errors
    db.session.rollback()
    assert count(LedgerEntry) == 0
    services.close_project(live.staff1, live.live.id, "义诊120人次", absent_signup_ids=[m2.id], now=closing)
    settle()
    rows = {s.id: (s.member_id, s.hours, s.points, s.is_absent) for s in services.signups_of(live.live.id)}
    assert rows[m1[0].id] == (live.member1.id, 2.5, 12, False)
    assert rows[m1[1].id] == (live.member1.id, 3.0, 0, False)  # paid once, on his first sign-up
    assert rows[m2.id] == (live.member2.id, 0, 0, True)
    assert rows[gone.id][1:] == (0, 0, False)
    entries = db.session.scalars(db.select(LedgerEntry).where(LedgerEntry.source_type == "project")).all()
    assert [(e.member_id, e.points, e.idempotency_key) for e in entries] == [
        (live.member1.id, 12, f"project:{live.live.id}:member:{live.member1.id}")
    ]
    year = closing.year
    assert services.hours_for([live.member1.id, live.member2.id], year) == {
        live.member1.id: 5.5,
        live.member2.id: 0.0,
    }
    again = api(live.staff1).post(f"/projects/{live.live.id}/close", {"outcome": "再次结项"})
    assert again.status_code == 409 and count(LedgerEntry, LedgerEntry.source_type == "project") == 1
    told = count(Notification, Notification.kind == "project_closed")
    assert told == 1  # member1 only: member2 attended nothing, the late one's session never came


# ---- pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,status",
    [
        ("staff1", 200),
        ("street_admin", 200),
        ("staff2", 404),
        ("staff3", 404),
        ("unit_admin1", 403),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_the_session_form_by_role_and_scope(live, page, who, status):
    res = page(getattr(live, who)).get(f"/projects/{live.live.id}/sessions/new")
    assert res.status_code == status


def test_staff_add_a_session_on_the_page_and_refused_ones_keep_what_was_typed(live, page):
    client = page(live.staff1)
    url = f"/projects/{live.live.id}/sessions/new"
    data = {
        "title": "第三场：中医理疗",
        "day": live.day1.isoformat(),
        "starts_at": "14:00",
        "ends_at": "16:30",
        "location": "二楼",
        "slots": "6",
    }
    for over, field in (
        ({"ends_at": "13:00"}, "ends_at"),
        ({"slots": "0"}, "slots"),
        ({"day": (live.live.starts_on - timedelta(days=2)).isoformat()}, "starts_at"),
        ({"day": (live.live.ends_on + timedelta(days=2)).isoformat()}, "ends_at"),
        ({"title": "\u200b"}, "title"),
    ):
        bad = client.post(url, data={**data, **over})
        html = bad.get_data(as_text=True)
        assert bad.status_code == 422 and f'data-testid="error-{field}"' in html, (over, html[-2000:])
        assert "二楼" in html
    assert count(ProjectSession) == 2
    res = client.post(url, data=data)
    assert res.status_code == 302
    added = ProjectSession.query.filter_by(title="第三场：中医理疗").one()
    assert (added.starts_at, added.ends_at, added.slots) == (at(live.day1, 14, 0), at(live.day1, 16, 30), 6)


def test_members_sign_up_for_a_session_on_the_page_and_cancel(live, page):
    pid = live.live.id
    member = page(live.member1)
    html = member.get(f"/projects/{pid}").get_data(as_text=True)
    assert f'data-testid="session-{live.s1.id}"' in html and "剩余 2" in html
    assert f"/projects/{pid}/sessions/{live.s1.id}/signup" in html
    assert 'data-testid="signup"' not in html  # no sign-up for the project as a whole
    assert member.post(f"/projects/{pid}/sessions/{live.s1.id}/signup").status_code == 302
    signup = ProjectSignup.query.one()
    html = member.get(f"/projects/{pid}").get_data(as_text=True)
    assert "剩余 1" in html and f"/projects/{pid}/signups/{signup.id}/cancel" in html
    mine = member.get("/me/projects").get_data(as_text=True)
    assert "第一场：血压测量" in mine and "社区活动室" in mine
    english = member.get(f"/projects/{pid}?lang=en").get_data(as_text=True)
    assert "Sessions" in english and "Cancel sign-up" in english
    assert member.post(f"/projects/{pid}/signups/{signup.id}/cancel").status_code == 302
    assert count(ProjectSignup) == 0 and db.session.get(ProjectSession, live.s1.id).signup_count == 0
    # the last slot taken: flashed, nothing written
    for other in (live.member2, f.member_in(live.comm1)):
        services.sign_up(other, pid, live.s1.id)
    settle()
    assert member.post(f"/projects/{pid}/sessions/{live.s1.id}/signup").status_code == 302
    assert count(ProjectSignup, ProjectSignup.member_id == live.member1.id) == 0
    assert "名额已满" in member.get(f"/projects/{pid}").get_data(as_text=True)


def test_staff_cancel_a_session_on_the_page(live, page):
    pid = live.live.id
    staff = page(live.staff1)
    html = staff.get(f"/projects/{pid}").get_data(as_text=True)
    assert f'data-testid="form-cancel-session-{live.s1.id}"' in html and 'data-testid="new-session"' in html
    res = staff.post(f"/projects/{pid}/sessions/{live.s1.id}/cancel", data={"reason": ""})
    assert res.status_code == 422 and 'data-testid="error-reason"' in res.get_data(as_text=True)
    assert db.session.get(ProjectSession, live.s1.id).status == "active"
    res = staff.post(f"/projects/{pid}/sessions/{live.s1.id}/cancel", data={"reason": "停电"})
    assert res.status_code == 302
    assert db.session.get(ProjectSession, live.s1.id).status == "cancelled"
    res = page(live.staff3).post(f"/projects/{pid}/sessions/{live.s2.id}/cancel", data={"reason": "x"})
    assert res.status_code == 302 and db.session.get(ProjectSession, live.s2.id).status == "active"  # 404


@pytest.mark.parametrize(
    "who,status", [("staff1", 200), ("street_admin", 200), ("staff3", 404), ("member1", 403)]
)
def test_the_session_edit_page_by_role_and_scope(live, page, who, status):
    res = page(getattr(live, who)).get(f"/projects/{live.live.id}/sessions/{live.s1.id}/edit")
    assert res.status_code == status
    if status == 200:
        html = res.get_data(as_text=True)
        assert 'value="第一场：血压测量"' in html and 'value="09:00"' in html and 'value="11:30"' in html


def test_staff_edit_a_session_on_the_page(live, page):
    for member in (live.member1, live.member2):
        services.sign_up(member, live.live.id, live.s1.id)
    settle()
    client = page(live.staff1)
    url = f"/projects/{live.live.id}/sessions/{live.s1.id}/edit"
    data = {"title": "第一场：血压测量", "day": live.day1.isoformat(), "starts_at": "09:30",
            "ends_at": "12:00", "location": "卫生服务站", "slots": "3"}
    bad = client.post(url, data={**data, "slots": "1"})
    assert bad.status_code == 422 and 'data-testid="error-slots"' in bad.get_data(as_text=True)
    assert "卫生服务站" in bad.get_data(as_text=True)
    bad = client.post(url, data={**data, "ends_at": "09:00"})
    assert bad.status_code == 422 and 'data-testid="error-ends_at"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProjectSession, live.s1.id).location == "社区活动室"
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    session = db.session.get(ProjectSession, live.s1.id)
    assert (session.starts_at, session.ends_at, session.slots, session.location) == (
        at(live.day1, 9, 30), at(live.day1, 12, 0), 3, "卫生服务站")
    told = count(Notification, Notification.kind == "project_session_changed")
    assert told == 2
