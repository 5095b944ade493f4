"""The ratings API: roles and scopes, bad input, the unit list and its xlsx, publication,
双公示, thresholds, statistics, and a constant number of queries."""
from datetime import UTC, datetime
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.audit.models import AuditEntry
from app.extensions import db
from app.ratings.models import Rating, RatingPublicity, RatingRevision, RatingThreshold
from tests import factories as f
from tests.conftest import count
from tests.ratings.helpers import YEAR, count_queries, grow, points

RATING = "/members/{id}/rating?year=" + str(YEAR)


@pytest.mark.parametrize("who,status", [("member1", 200), ("member2", 404), ("staff1", 200), ("staff3", 404),
                                        ("unit_admin1", 200), ("unit_admin2", 404), ("street_admin", 200),
                                        ("resident1", 404), ("admin", 200)])
def test_who_reads_a_rating(rated, api, who, status):
    res = api(getattr(rated, who)).get(RATING.format(id=rated.member1.id))
    assert res.status_code == status
    if status == 200:
        body = res.json
        assert (body["level"], body["points"], body["checklist_completed"], body["avg_satisfaction"],
                body["comment"], body["status"]) == ("excellent", 130, 5, 4.5, "", "draft")


def test_a_member_sees_only_his_own_rating(rated, api):
    client = api(rated.member2)
    assert client.get(RATING.format(id=rated.member2.id)).json["level"] == "qualified"
    assert client.get(RATING.format(id=rated.member1.id)).status_code == 404
    assert client.get(RATING.format(id=999999)).status_code == 404
    assert api().get(RATING.format(id=rated.member2.id)).status_code == 401


@pytest.mark.parametrize("who,status", [
    ("member1", 403), ("unit_admin1", 403), ("resident1", 403), ("staff3", 404), ("staff2", 404),
    ("staff1", 200), ("street_admin", 200)])
def test_who_rates(rated, api, who, status):
    res = api(getattr(rated, who)).put(RATING.format(id=rated.member2.id),
                                       {"level": "good", "comment": "积极参加社区活动"})
    assert res.status_code == status
    assert count(Rating) == (1 if status == 200 else 0)
    if status == 200:
        assert (res.json["level"], res.json["is_override"]) == ("good", True)
        assert res.json["comment"] == "积极参加社区活动"


@pytest.mark.parametrize("body,field", [({"level": "good"}, "comment"),
                                        ({"level": "good", "comment": ""}, "comment"),
                                        ({"level": "good", "comment": "  "}, "comment"),
                                        ({"level": "super", "comment": "好"}, "level"),
                                        ({"level": "good", "comment": "x" * 1001}, "comment")])
def test_bad_rating_input_is_422_and_writes_nothing(rated, api, body, field):
    audits = count(AuditEntry)  # the arranged year's own (orders, rules)
    res = api(rated.staff1).put(RATING.format(id=rated.member2.id), body)
    assert res.status_code == 422 and field in res.json["errors"]
    assert count(Rating) == 0 and count(AuditEntry) == audits


def test_future_year_and_unregistered_member(rated, api):
    client = api(rated.admin)
    next_year = datetime.now(UTC).year + 1
    res = client.put(f"/members/{rated.member1.id}/rating?year={next_year}", {"comment": "好"})
    assert res.status_code == 422 and "year" in res.json["errors"]
    assert client.put(RATING.format(id=rated.newbie.id), {"comment": "好"}).status_code == 409
    assert client.get(RATING.format(id=rated.newbie.id)).json["status"] == "unregistered"
    assert client.get(f"/members/{rated.member1.id}/rating?year=1999").status_code == 422
    assert count(Rating) == 0


def test_publish_then_revise_through_the_api(rated, api):
    staff = api(rated.staff1)
    assert staff.post(f"/communities/{rated.comm1.id}/ratings/publish", {"year": YEAR}).json["published"] == 2
    res = staff.put(RATING.format(id=rated.member1.id), {"level": "good", "comment": "下半年参与减少"})
    body = res.json
    assert (body["level"], body["computed_level"], body["revision_count"], body["status"]) == (
        "good", "excellent", 1, "published")
    assert [(r["old_level"], r["new_level"]) for r in body["revisions"]] == [("excellent", "good")]
    assert api(rated.unit_admin1).get(RATING.format(id=rated.member1.id)).json["level"] == "good"
    assert count(RatingRevision) == 1


@pytest.mark.parametrize("who", ["staff3", "staff2", "member1", "unit_admin1", "resident1"])
def test_publish_wrong_role_or_scope(rated, api, who):
    audits = count(AuditEntry)
    res = api(getattr(rated, who)).post(f"/communities/{rated.comm1.id}/ratings/publish", {"year": YEAR})
    assert res.status_code == 403
    assert count(Rating) == 0 and count(AuditEntry) == audits


def test_publish_bad_input(rated, api):
    client = api(rated.staff1)
    assert client.post(f"/communities/{rated.comm1.id}/ratings/publish", {}).status_code == 422
    assert client.post(f"/communities/{rated.comm1.id}/ratings/publish", {"year": "x"}).status_code == 422
    assert client.post(f"/communities/{rated.grid1.id}/ratings/publish", {"year": YEAR}).status_code == 404
    assert client.post("/communities/99999999999/ratings/publish", {"year": YEAR}).status_code == 404
    assert count(Rating) == 0


def test_unit_list_has_every_member_of_the_unit_only(rated, api):
    res = api(rated.unit_admin1).get(f"/units/{rated.unit1.id}/ratings?year={YEAR}&sort=-points")
    assert res.status_code == 200
    items = res.json["items"]
    assert res.json["total"] == 3
    assert [i["member_id"] for i in items] == [rated.member1.id, rated.member3.id, rated.newbie.id]
    first = items[0]
    assert (first["level"], first["points"], first["checklist_completed"], first["hours"],
            first["community_name"]) == ("excellent", 130, 5, 12.5, rated.comm1.name)
    assert first["phone"] == rated.member1.phone[:3] + "****" + rated.member1.phone[-4:]


@pytest.mark.parametrize("who,unit,status", [("unit_admin1", "unit2", 403), ("unit_admin2", "unit1", 403),
                                             ("member1", "unit1", 403), ("staff1", "unit1", 403),
                                             ("street_admin", "unit1", 403), ("resident1", "unit1", 403),
                                             ("admin", "unit1", 200), ("unit_admin1", "unit1", 200)])
@pytest.mark.parametrize("suffix", ["ratings", "ratings.xlsx"])
def test_unit_list_and_export_scope(rated, api, who, unit, status, suffix):
    res = api(getattr(rated, who)).get(f"/units/{getattr(rated, unit).id}/{suffix}")
    assert res.status_code == status


def test_unknown_unit_is_404(rated, api):
    assert api(rated.admin).get("/units/999999/ratings").status_code == 404
    assert api(rated.admin).get("/units/99999999999/ratings.xlsx").status_code == 404


def test_unit_list_filters_and_bad_input(rated, api):
    client = api(rated.unit_admin1)
    base = f"/units/{rated.unit1.id}/ratings?year={YEAR}"
    items = client.get(base + "&level=unqualified").json["items"]
    assert [i["member_id"] for i in items] == [rated.member3.id]
    assert [i["member_id"] for i in client.get(base + f"&community_id={rated.comm1.id}").json["items"]] == [
        rated.member1.id]
    paged = client.get(base + "&sort=name&page=2&page_size=2").json
    assert paged["total"] == 3 and len(paged["items"]) == 1
    for bad in ("level=best", "sort=age", "page_size=500", "page=0", "year=1800", "community_id=0"):
        res = client.get(f"/units/{rated.unit1.id}/ratings?{bad}")
        assert res.status_code == 422 and bad.split("=")[0] in res.json["errors"], bad


def test_xlsx_opens_with_a_row_per_member_and_the_right_values(rated, api):
    listed = api(rated.unit_admin1).get(f"/units/{rated.unit1.id}/ratings?year={YEAR}&page_size=100").json
    res = api(rated.unit_admin1).get(f"/units/{rated.unit1.id}/ratings.xlsx?year={YEAR}")
    assert res.status_code == 200 and res.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in res.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(res.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    title, header, body = rows[0], rows[1], rows[2:]
    assert title[0] == f"{rated.unit1.name} · {YEAR}年度评议"
    assert header[:6] == ("序号", "党员编号", "姓名", "手机", "报到社区", "评议等次")
    assert len(body) == listed["total"] == 3
    assert [r[0] for r in body] == [1, 2, 3]
    assert [r[2] for r in body] == [i["name"] for i in listed["items"]]  # the page's (pinyin) order
    by_id = {r[1]: dict(zip(header, r, strict=True)) for r in body}
    assert set(by_id) == {rated.member1.id, rated.member3.id, rated.newbie.id}
    m1 = by_id[rated.member1.id]
    assert (m1["姓名"], m1["报到社区"], m1["评议等次"], m1["状态"]) == (
        rated.member1.name, rated.comm1.name, "优秀", "未公布")
    assert (m1["积分"], m1["五个一"], m1["服务时长（小时）"], m1["满意度"], m1["评价次数"]) == (
        130, "5/5", 12.5, 4.5, 2)
    assert "****" in m1["手机"]
    assert by_id[rated.newbie.id]["状态"] == "未报到"


def test_an_export_is_audited_and_a_refused_one_is_not(rated, api):
    """An export carries members' personal data out of the system: who, when, which unit."""
    path = f"/units/{rated.unit1.id}/ratings.xlsx?year={YEAR}&level=excellent"
    assert api(rated.unit_admin2).get(path).status_code == 403
    assert count(AuditEntry, AuditEntry.action == "rating.export") == 0
    assert api(rated.unit_admin1).get(path).status_code == 200
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "rating.export")).one()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        rated.unit_admin1.id, "unit", rated.unit1.id)
    assert entry.detail == {"year": YEAR, "rows": 1, "level": "excellent"}


def test_xlsx_survives_control_characters_in_names(rated, api):
    """A workbook's XML cannot carry control characters (the fuzz test found a 500): they are
    dropped from the cell, the rest of the name stays."""
    rated.member1.name = "王\x0b伟\x01"
    rated.unit1.name = "区税务局\x1f"
    db.session.flush()
    res = api(rated.unit_admin1).get(f"/units/{rated.unit1.id}/ratings.xlsx?year={YEAR}")
    assert res.status_code == 200
    names = [r[2] for r in load_workbook(BytesIO(res.data)).active.iter_rows(min_row=3, values_only=True)]
    assert "王伟" in names


def test_community_list_for_its_staff(rated, api):
    res = api(rated.staff1).get(f"/communities/{rated.comm1.id}/ratings?year={YEAR}&sort=level")
    assert res.status_code == 200
    assert [i["member_id"] for i in res.json["items"]] == [rated.member1.id, rated.member2.id]
    assert res.json["is_public"] is False
    assert api(rated.staff3).get(f"/communities/{rated.comm1.id}/ratings").status_code == 403
    assert api(rated.unit_admin1).get(f"/communities/{rated.comm1.id}/ratings").status_code == 403


def test_publicity_switch_and_the_public_page(rated, api):
    staff = api(rated.staff1)
    staff.post(f"/communities/{rated.comm1.id}/ratings/publish", {"year": YEAR})
    public = f"/communities/{rated.comm1.id}/public-ratings?year={YEAR}"
    assert api(rated.resident1).get(public).status_code == 404  # off by default
    res = staff.put(f"/communities/{rated.comm1.id}/ratings/publicity", {"is_public": True})
    assert res.status_code == 200 and res.json == {"community_id": rated.comm1.id, "is_public": True,
                                                   "shown_levels": "all"}
    assert count(AuditEntry, AuditEntry.action == "rating.publicity") == 1
    body = api(rated.resident1).get(public).json
    assert body["total"] == 2
    assert [(i["member_id"], i["level"]) for i in body["items"]] == [
        (rated.member1.id, "excellent"), (rated.member2.id, "qualified")]
    assert "comment" not in body["items"][0] and "points" not in body["items"][0]
    for who, status in (("member2", 200), ("staff1", 200), ("street_admin", 200), ("resident2", 404),
                        ("member3", 404), ("unit_admin1", 404), ("staff3", 404)):
        assert api(getattr(rated, who)).get(public).status_code == status, who
    assert api().get(public).status_code == 401
    staff.put(f"/communities/{rated.comm1.id}/ratings/publicity", {"is_public": False})
    assert api(rated.resident1).get(public).status_code == 404


def test_publicity_wrong_role_or_bad_input(rated, api):
    path = f"/communities/{rated.comm1.id}/ratings/publicity"
    assert api(rated.staff3).put(path, {"is_public": True}).status_code == 403
    assert api(rated.member1).put(path, {"is_public": True}).status_code == 403
    assert api(rated.unit_admin1).get(path).status_code == 403
    assert api(rated.staff1).put(path, {}).status_code == 422
    assert api(rated.staff1).put(path, {"is_public": "maybe"}).status_code == 422
    assert count(RatingPublicity) == 0
    assert api(rated.staff1).get(path).json == {"community_id": rated.comm1.id, "is_public": False,
                                                "shown_levels": "all"}


LEVELS = [{"level": "excellent", "min_points": 100, "min_checklist_percent": 100, "min_satisfaction": 4.5,
           "max_abandoned": 0},
          {"level": "good", "min_points": 60, "min_checklist_percent": 80, "min_satisfaction": 4},
          {"level": "qualified", "min_points": 20, "min_checklist_percent": 60},
          {"level": "basic", "min_points": 5, "min_checklist_percent": 0}]


def test_thresholds_api(rated, api):
    low = f.member_in(rated.comm1, rated.unit1)
    points(low, 6)
    admin = api(rated.street_admin)
    assert api(rated.staff1).get(RATING.format(id=low.id)).json["level"] == "unqualified"
    res = admin.get(f"/rating-thresholds?place_id={rated.street1.id}&year={YEAR}")
    assert res.status_code == 200 and res.json["is_own"] is False
    assert res.json["levels"][0]["min_points"] == 120
    res = admin.put("/rating-thresholds", {"place_id": rated.street1.id, "year": YEAR, "levels": LEVELS})
    assert res.status_code == 200 and res.json["is_own"] is True
    assert [lv["min_points"] for lv in res.json["levels"]] == [100, 60, 20, 5]
    assert count(RatingThreshold) == 4
    # 6 points in street1: now 基本合格; member3 (5 points, street2) keeps the defaults: 不合格
    assert api(rated.staff1).get(RATING.format(id=low.id)).json["level"] == "basic"
    assert api(rated.admin).get(RATING.format(id=rated.member3.id)).json["level"] == "unqualified"
    assert count(AuditEntry, AuditEntry.action == "rating.thresholds") == 1


@pytest.mark.parametrize("body,field", [
    ({"year": YEAR, "levels": LEVELS}, "place_id"),
    ({"place_id": 0, "year": YEAR, "levels": LEVELS}, "place_id"),
    ({"place_id": 1, "year": YEAR, "levels": LEVELS[:3]}, "levels"),
    ({"place_id": 1, "year": YEAR,
      "levels": [dict(LEVELS[0], min_checklist_percent=101), *LEVELS[1:]]}, "levels"),
    ({"place_id": 1, "year": YEAR, "levels": [dict(LEVELS[0], min_points=1), *LEVELS[1:]]}, "levels"),
])
def test_thresholds_bad_input(rated, api, body, field):
    if body.get("place_id") == 1:
        body = dict(body, place_id=rated.street1.id)
    res = api(rated.street_admin).put("/rating-thresholds", body)
    assert res.status_code == 422 and field in res.json["errors"]
    assert count(RatingThreshold) == 0


@pytest.mark.parametrize("who,place,status", [
    ("staff1", "street1", 403), ("member1", "street1", 403), ("unit_admin1", "street1", 403),
    ("street_admin", "street2", 403), ("street_admin", "comm1", 404)])
def test_thresholds_wrong_role_or_scope(rated, api, who, place, status):
    body = {"place_id": getattr(rated, place).id, "year": YEAR, "levels": LEVELS}
    assert api(getattr(rated, who)).put("/rating-thresholds", body).status_code == status
    assert count(RatingThreshold) == 0


def test_statistics_api(rated, api):
    res = api(rated.street_admin).get(f"/statistics?year={YEAR}")
    assert res.status_code == 200
    body = res.json
    assert body["place"]["id"] == rated.street1.id and body["totals"]["registered"] == 2
    assert body["totals"]["served"] == 2  # member1, member2 have attendance entries last year
    assert body["totals"]["orders"]["closed"] == 2 and body["totals"]["median_hours_to_complete"] == 5.0
    assert body["totals"]["avg_satisfaction"] == 4.5
    assert {c["place_id"] for c in body["children"]} == {rated.comm1.id, rated.comm2.id}


@pytest.mark.parametrize("who,place,status", [("staff1", "comm3", 403), ("staff1", "street1", 403),
                                              ("street_admin", "street2", 403), ("member1", None, 403),
                                              ("unit_admin1", None, 403), ("resident1", None, 403),
                                              ("street_admin", "grid1", 404), ("staff1", "comm1", 200)])
def test_statistics_scope(rated, api, who, place, status):
    query = f"?place_id={getattr(rated, place).id}" if place else ""
    assert api(getattr(rated, who)).get("/statistics" + query).status_code == status


def test_statistics_bad_input(rated, api):
    client = api(rated.street_admin)
    assert client.get("/statistics?place_id=abc").status_code == 422
    assert client.get("/statistics?year=99").status_code == 422
    assert client.get("/statistics?place_id=99999999999").status_code == 422


def test_openapi_documents_the_rating_endpoints(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in ("/api/v1/members/{member_id}/rating", "/api/v1/units/{unit_id}/ratings",
                 "/api/v1/units/{unit_id}/ratings.xlsx", "/api/v1/communities/{community_id}/ratings/publish",
                 "/api/v1/communities/{community_id}/public-ratings", "/api/v1/rating-thresholds",
                 "/api/v1/statistics"):
        assert path in paths
    assert set(paths["/api/v1/members/{member_id}/rating"]) >= {"get", "put"}


@pytest.mark.parametrize("path", ["/units/{unit}/ratings?year={year}",
                                  "/units/{unit}/ratings?year={year}&sort=-points",
                                  "/units/{unit}/ratings?year={year}&level=basic",
                                  "/communities/{comm}/ratings?year={year}", "/statistics?year={year}",
                                  "/members/{member}/rating?year={year}"])
def test_queries_do_not_grow_with_members(rated, api, path):
    who = rated.staff1 if "communities" in path or "statistics" in path else rated.unit_admin1
    client = api(rated.admin if "statistics" in path else who)
    path = path.format(unit=rated.unit1.id, comm=rated.comm1.id, year=YEAR, member=rated.member1.id)
    grow(rated, 2)
    small = count_queries(client, "/api/v1" + path)
    grow(rated, 12)
    assert count_queries(client, "/api/v1" + path) == small


@pytest.mark.parametrize("who,status", [("staff1", 403), ("member1", 403), ("unit_admin1", 403),
                                        ("resident1", 403), ("street_admin", 200)])
def test_reading_thresholds_is_for_street_and_district_admins(rated, api, who, status):
    res = api(getattr(rated, who)).get(f"/rating-thresholds?place_id={rated.street1.id}&year={YEAR}")
    assert res.status_code == status
    assert api(rated.street_admin).get(f"/rating-thresholds?place_id={rated.street2.id}").status_code == 403
    assert api(rated.street_admin).get("/rating-thresholds?place_id=999999").status_code == 404
    assert api(rated.street_admin).get("/rating-thresholds").status_code == 422


@pytest.mark.parametrize("who,status", [("member1", 403), ("resident1", 403), ("unit_admin1", 403),
                                        ("staff3", 403), ("street_admin", 200), ("admin", 200)])
def test_community_list_roles(rated, api, who, status):
    assert api(getattr(rated, who)).get(f"/communities/{rated.comm1.id}/ratings").status_code == status
    assert api(rated.admin).get("/communities/999999/ratings").status_code == 404
    assert api(rated.admin).get(f"/communities/{rated.street1.id}/ratings").status_code == 404
