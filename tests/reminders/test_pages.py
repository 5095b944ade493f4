"""Pages: the inbox (mark read) and the staff page of idle members with reminder history."""
import pytest

from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import notify
from app.reminders.daily_pass import run_pass
from tests.conftest import NOW, TODAY, count
from tests.factories import PASSWORD
from tests.sql import statements


def login(client, user):
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def test_inbox_lists_own_notifications_with_unread_badge(client, world):
    notify([world.member1.id], kind="test", title="派单通知", body="第一行\n第二行", now=NOW)
    notify([world.member2.id], kind="test", title="别人的通知", now=NOW)
    page = login(client, world.member1).get("/notifications")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "派单通知" in html and "第一行<br>第二行" in html and "别人的通知" not in html
    assert 'data-testid="unread">1<' in html


def test_inbox_mark_read_and_mark_all(client, world):
    notes = [notify([world.member1.id], kind="t", title=f"n{i}", now=NOW)[0] for i in range(3)]
    login(client, world.member1)
    response = client.post(f"/notifications/{notes[0].id}/read")
    assert response.status_code == 302
    db.session.refresh(notes[0])
    assert notes[0].read_at is not None and count(Notification, Notification.read_at.is_(None)) == 2
    client.post("/notifications/read-all")
    assert count(Notification, Notification.read_at.is_(None)) == 0


def test_inbox_cannot_mark_anothers_notification(client, world):
    (theirs,) = notify([world.member2.id], kind="t", title="x", now=NOW)
    db.session.commit()  # arranged data survives the error handler's rollback
    response = login(client, world.member1).post(f"/notifications/{theirs.id}/read")
    assert response.status_code in (302, 404)
    assert count(Notification, Notification.id == theirs.id, Notification.read_at.is_(None)) == 1


def test_inbox_paginates(client, world):
    for i in range(25):
        notify([world.member1.id], kind="t", title=f"消息{i:02d}", now=NOW)
    html = login(client, world.member1).get("/notifications?page=2").get_data(as_text=True)
    assert html.count('data-testid="notification-') == 5
    assert "2 / 2" in html


def test_anonymous_is_sent_to_login(client):
    from flask import g

    g.pop("_login_user", None)  # the session-wide app context keeps the last test's user in g
    assert client.get("/notifications").status_code == 302
    assert "/login" in client.get("/staff/idle-members").headers["Location"]


def test_staff_sees_idle_members_of_his_community_with_history(client, idle_world, monkeypatch):
    w = idle_world
    run_pass(TODAY, NOW)
    html = login(client, w.staff1).get("/staff/idle-members").get_data(as_text=True)
    assert f'data-testid="idle-{w.member1.id}"' in html
    assert f'data-testid="idle-{w.member2.id}"' in html
    assert f'data-testid="idle-{w.member3.id}"' not in html  # another community
    assert "未服务提醒" in html


def test_street_admin_sees_his_street_and_can_filter_one_community(client, idle_world):
    w = idle_world
    login(client, w.street_admin)
    html = client.get("/staff/idle-members").get_data(as_text=True)
    assert 'data-testid="idle-total">2<' in html
    assert w.comm1.name in html and w.comm2.name in html and w.comm3.name not in html  # filter
    one = client.get(f"/staff/idle-members?community_id={w.comm2.id}").get_data(as_text=True)
    assert 'data-testid="idle-total">0<' in one


@pytest.mark.parametrize("role", ["member1", "resident1", "unit_admin1"])
def test_other_roles_get_403(client, idle_world, role):
    assert login(client, getattr(idle_world, role)).get("/staff/idle-members").status_code == 403


@pytest.mark.parametrize("who,community,status", [
    ("staff1", "comm3", 403), ("street_admin", "comm3", 403), ("staff1", "grid1", 404),
    ("staff1", None, 404), ("admin", "comm3", 200)])
def test_community_filter_is_scoped(client, idle_world, who, community, status):
    w = idle_world
    community_id = getattr(w, community).id if community else 999999
    response = login(client, getattr(w, who)).get(f"/staff/idle-members?community_id={community_id}")
    assert response.status_code == status


def test_huge_or_bad_community_ids_are_4xx(client, idle_world):
    login(client, idle_world.staff1)
    assert client.get("/staff/idle-members?community_id=99999999999999999999").status_code == 404
    assert client.get("/staff/idle-members?community_id=abc").status_code == 400
    assert client.get("/staff/idle-members?page=-3").status_code == 400
    assert client.get("/staff/idle-members?community_id=&page=").status_code == 200  # empty: absent


def test_idle_page_query_count_does_not_grow_with_members(app, client, idle_world):

    from tests.conftest import LONG_AGO, approved_at
    from tests.factories import member_in

    w = idle_world
    login(client, w.staff1)

    def queries():
        return statements(client, "/staff/idle-members")

    before = queries()
    for _ in range(8):
        approved_at(member_in(w.comm1), LONG_AGO)
    run_pass(TODAY, NOW)
    assert queries() <= before + 1
