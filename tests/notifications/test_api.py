"""GET /api/v1/me/notifications and POST /api/v1/me/notifications/{id}/read."""
import pytest

from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import notify
from tests.conftest import NOW, count


def test_anonymous_gets_401(api):
    assert api().get("/me/notifications").status_code == 401
    assert api().post("/me/notifications/1/read").status_code == 401


def test_a_user_sees_only_his_own_notifications_paginated(api, world):
    for n in range(5):
        notify([world.member1.id], kind="test", title=f"第{n}条", now=NOW)
    notify([world.member2.id], kind="test", title="别人的", now=NOW)

    page = api(world.member1).get("/me/notifications?page=2&page_size=2")

    assert page.status_code == 200
    body = page.get_json()
    assert body["total"] == 5 and body["unread"] == 5 and len(body["items"]) == 2
    assert all(item["title"] != "别人的" and item["is_read"] is False for item in body["items"])
    assert api(world.member2).get("/me/notifications").get_json()["total"] == 1


def test_mark_read_marks_only_the_callers_notification(api, world):
    (mine,) = notify([world.member1.id], kind="test", title="我的", now=NOW)
    (theirs,) = notify([world.member2.id], kind="test", title="别人的", now=NOW)
    db.session.commit()  # arranged data survives the error handler's rollback
    client = api(world.member1)

    done = client.post(f"/me/notifications/{mine.id}/read")
    again = client.post(f"/me/notifications/{mine.id}/read")

    assert done.status_code == 200 and done.get_json()["is_read"] is True
    assert again.status_code == 200 and again.get_json()["read_at"] == done.get_json()["read_at"]
    assert client.get("/me/notifications?unread=true").get_json()["total"] == 0
    assert client.post(f"/me/notifications/{theirs.id}/read").status_code == 404
    assert count(Notification, Notification.id == theirs.id, Notification.read_at.is_(None)) == 1


@pytest.mark.parametrize("role", ["member1", "staff1", "resident1", "unit_admin1", "street_admin",
                                  "admin"])
def test_every_role_has_an_inbox_and_cannot_read_anothers(api, world, role):
    (other,) = notify([world.member3.id], kind="test", title="x", now=NOW)
    client = api(getattr(world, role))
    db.session.commit()
    assert client.get("/me/notifications").status_code == 200
    assert client.post(f"/me/notifications/{other.id}/read").status_code == 404
    assert count(Notification, Notification.id == other.id, Notification.read_at.is_(None)) == 1


@pytest.mark.parametrize("query", ["page=0", "page_size=101", "page_size=0", "page=abc",
                                   "unread=maybe"])
def test_bad_list_input_is_422(api, world, query):
    response = api(world.member1).get(f"/me/notifications?{query}")
    assert response.status_code == 422
    assert response.get_json()["code"] == 422


@pytest.mark.parametrize("path", ["/me/notifications/0/read", "/me/notifications/999999/read",
                                  "/me/notifications/99999999999999999999/read"])
def test_unknown_ids_are_404_and_write_nothing(api, world, path):
    notify([world.member1.id], kind="test", title="x", now=NOW)
    client = api(world.member1)
    db.session.commit()
    assert client.post(path).status_code == 404
    assert count(Notification, Notification.read_at.is_(None)) == 1


def test_non_numeric_id_is_404(api, world):
    assert api(world.member1).post("/me/notifications/abc/read").status_code == 404


def test_openapi_describes_the_inbox(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/me/notifications" in spec["paths"]
    assert "/api/v1/me/notifications/{notification_id}/read" in spec["paths"]
