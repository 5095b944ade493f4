"""The API and pages of 通知公告."""
import pytest

from app.announcements.models import Announcement
from tests.conftest import count

POST = {"title": "社区议事会通知", "body": "本周五晚七点，党群服务中心二楼。"}


def test_post_and_read(world, api):
    res = api(world.staff1).post("/announcements", {**POST, "place_id": world.comm1.id, "is_pinned": True})
    assert res.status_code == 201 and res.json["is_pinned"] and res.json["place_name"] == world.comm1.name
    listed = api(world.member1).get("/announcements").json
    assert listed["total"] == 1 and listed["items"][0]["title"] == POST["title"]
    assert api(world.member3).get("/announcements").json["total"] == 0
    assert api().get("/announcements").status_code == 401


@pytest.mark.parametrize("field, value", [("title", ""), ("body", " "), ("place_id", 0),
                                          ("expires_on", "not-a-date"), ("title", "长" * 121)])
def test_bad_input_is_422_naming_the_field(world, api, field, value):
    res = api(world.staff1).post("/announcements", {**POST, "place_id": world.comm1.id, field: value})
    assert res.status_code == 422 and field in res.json["errors"]
    assert count(Announcement) == 0


def test_roles_and_scope(world, api):
    for user in (world.member1, world.resident1, world.unit_admin1):
        assert api(user).post("/announcements", {**POST, "place_id": world.comm1.id}).status_code == 403
    assert api(world.staff2).post("/announcements", {**POST, "place_id": world.comm1.id}).status_code == 403
    assert api(world.staff1).post("/announcements", {**POST, "place_id": 999999}).status_code == 404
    assert count(Announcement) == 0


def test_pages(world, page, api):
    api(world.staff1).post("/announcements", {**POST, "place_id": world.comm1.id})
    home = page(world.member1).get("/", follow_redirects=True).get_data(as_text=True)
    assert POST["title"] in home and 'data-testid="home-announcement"' in home
    listed = page(world.resident1).get("/announcements").get_data(as_text=True)
    assert POST["title"] in listed and "发布公告" not in listed
    staff = page(world.staff1)
    bad = staff.post("/announcements/new", data={"place_id": world.comm1.id, "title": "", "body": "x"})
    assert bad.status_code == 422 and count(Announcement) == 1
    ok = staff.post("/announcements/new", data={"place_id": world.comm1.id, "title": "第二条", "body": "x"})
    assert ok.status_code == 302 and count(Announcement) == 2
    assert page(world.member1).get("/announcements/new").status_code in (403, 404)
