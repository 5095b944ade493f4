"""Unit ratings (单位评议): the figures on the hand-made year, the suggested level, staff's
level and comment, publication (snapshot, revisions, audit), both ends of 双公示, role × scope
and bad input (422 naming the field, nothing written)."""

import pytest

from app.audit.models import AuditEntry
from app.notifications.models import Notification
from app.ratings.models import UnitRating, UnitRatingRevision
from app.ratings.publicity import set_publicity
from tests.conftest import count, settle
from tests.ratings.helpers import YEAR

PATH = "/api/v1/units/{unit}/community-ratings?year={year}&community_id={community}"


def path(unit, community, year=YEAR):
    return PATH.format(unit=unit.id, community=community.id, year=year)


def test_figures_and_suggested_level(api, unit_year):
    w = unit_year
    body = api(w.staff1).get(path(w.unit1, w.comm1)).json
    fig = body["figures"]
    assert (fig["members_registered"], fig["members_served"], fig["service_rate"]) == (2, 1, 0.5)
    assert (fig["received"], fig["accepted"], fig["declined"]) == (5, 3, 1)
    assert (fig["acceptance_rate"], fig["on_time_rate"], fig["reopened_rate"]) == (0.75, 0.25, 0.5)
    assert (fig["satisfaction"], fig["satisfaction_count"], fig["first_response_hours"]) == (4.0, 2, 4.0)
    assert fig["projects_delivered"] == 0
    # mean of 0.5, 0.75, 0.25, 0.8, 0.5 = 56 -> 基本合格 (50..65)
    assert fig["score"] == pytest.approx(56.0)
    assert (body["computed_level"], body["level"], body["status"]) == ("basic", "basic", "draft")
    other = api(w.unit_admin2).get(path(w.unit2, w.comm1)).json
    assert other["figures"]["members_registered"] == 1 and other["figures"]["service_rate"] == 0.0
    # 0, 1, 1, 0.8, 1 -> 76 -> 合格
    assert other["computed_level"] == "qualified"


def test_staff_choose_a_level_with_a_comment_then_publish_and_revise(api, unit_year):
    w = unit_year
    staff = api(w.staff1)
    res = staff.put(path(w.unit1, w.comm1), json={"level": "qualified", "comment": "响应及时，办结偏慢"})
    assert res.status_code == 200, res.json
    assert (res.json["level"], res.json["computed_level"], res.json["is_override"]) == (
        "qualified",
        "basic",
        True,
    )
    assert count(AuditEntry, AuditEntry.action == "unit_rating.override") == 1
    res = staff.post(f"/api/v1/communities/{w.comm1.id}/unit-ratings/publish", json={"year": YEAR})
    assert res.status_code == 200 and res.json["published"] == 2 and res.json["published_total"] == 2
    assert count(AuditEntry, AuditEntry.action == "unit_rating.publish") == 1
    told = {n.user_id for n in Notification.query.filter_by(kind="unit_rating_published")}
    assert told == {w.unit_admin1.id, w.unit_admin2.id}
    rating = UnitRating.query.filter_by(unit_id=w.unit1.id, community_id=w.comm1.id).one()
    assert (rating.published_level, rating.published_comment) == ("qualified", "响应及时，办结偏慢")
    assert rating.figures["received"] == 5
    again = staff.post(f"/api/v1/communities/{w.comm1.id}/unit-ratings/publish", json={"year": YEAR})
    assert again.json["published"] == 0 and again.json["published_total"] == 2
    res = staff.put(path(w.unit1, w.comm1), json={"level": "good", "comment": "复核后调整"})
    assert res.status_code == 200
    assert (res.json["level"], res.json["status"], res.json["revision_count"]) == ("good", "published", 1)
    assert [(r["old_level"], r["new_level"]) for r in res.json["revisions"]] == [("qualified", "good")]
    db_rating = UnitRating.query.filter_by(unit_id=w.unit1.id, community_id=w.comm1.id).one()
    assert (db_rating.published_level, db_rating.level) == ("qualified", "good")
    assert count(AuditEntry, AuditEntry.action == "unit_rating.revise") == 1
    # the same again changes nothing
    staff.put(path(w.unit1, w.comm1), json={"level": "good", "comment": "复核后调整"})
    assert count(UnitRatingRevision) == 1


def test_both_ends_show_the_published_ratings(api, unit_year):
    w = unit_year
    api(w.staff1).post(f"/api/v1/communities/{w.comm1.id}/unit-ratings/publish", json={"year": YEAR})
    own = api(w.unit_admin1).get(f"/api/v1/units/{w.unit1.id}/published-ratings?year={YEAR}")
    assert own.status_code == 200
    assert [(i["community_id"], i["level"]) for i in own.json["items"]] == [(w.comm1.id, "basic")]
    assert (
        api(w.unit_admin2).get(f"/api/v1/units/{w.unit1.id}/published-ratings?year={YEAR}").status_code == 403
    )
    public = f"/api/v1/communities/{w.comm1.id}/public-unit-ratings?year={YEAR}"
    assert api(w.resident1).get(public).status_code == 404  # 双公示 off
    set_publicity(w.staff1, w.comm1.id, True)
    settle()
    body = api(w.resident1).get(public).json
    assert {i["unit_id"] for i in body["items"]} == {w.unit1.id, w.unit2.id}
    assert api(w.resident2).get(public).status_code == 404  # another community's resident


@pytest.mark.parametrize(
    "who, unit, community, status",
    [
        ("staff1", "unit1", "comm1", 200),
        ("street_admin", "unit1", "comm1", 200),
        ("admin", "unit1", "comm1", 200),
        ("unit_admin1", "unit1", "comm1", 200),
        ("unit_admin1", "unit1", "comm3", 200),
        ("unit_admin2", "unit1", "comm1", 403),
        ("staff2", "unit1", "comm1", 403),
        ("staff3", "unit1", "comm1", 403),
        ("member1", "unit1", "comm1", 403),
        ("resident1", "unit1", "comm1", 403),
        ("staff2", "unit1", "comm2", 404),  # unit1 does not serve comm2
        ("staff1", "unit2", "grid1", 404),
    ],
)
def test_reading_role_and_scope(api, unit_year, who, unit, community, status):
    w = unit_year
    assert api(getattr(w, who)).get(path(getattr(w, unit), getattr(w, community))).status_code == status


@pytest.mark.parametrize(
    "who, status",
    [
        ("staff1", 200),
        ("street_admin", 200),
        ("staff2", 403),
        ("staff3", 403),
        ("unit_admin1", 403),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_writing_role_and_scope(api, unit_year, who, status):
    w = unit_year
    res = api(getattr(w, who)).put(path(w.unit1, w.comm1), json={"level": "good", "comment": "好"})
    assert res.status_code == status
    assert count(UnitRating) == (1 if status == 200 else 0)
    res = api(getattr(w, who)).post(
        f"/api/v1/communities/{w.comm1.id}/unit-ratings/publish", json={"year": YEAR}
    )
    assert res.status_code == status
    list_res = api(getattr(w, who)).get(f"/api/v1/communities/{w.comm1.id}/unit-ratings?year={YEAR}")
    assert list_res.status_code == status


def test_unknown_ids(api, unit_year):
    w = unit_year
    staff = api(w.staff1)
    assert staff.get(f"/api/v1/units/999999/community-ratings?community_id={w.comm1.id}").status_code == 404
    assert staff.get(f"/api/v1/units/{w.unit1.id}/community-ratings?community_id=999999").status_code == 404
    assert (
        staff.post("/api/v1/communities/999999/unit-ratings/publish", json={"year": YEAR}).status_code == 404
    )


@pytest.mark.parametrize(
    "body, query, field",
    [
        ({"level": "good"}, "", "comment"),
        ({"level": "good", "comment": "   "}, "", "comment"),
        ({"level": "best", "comment": "好"}, "", "level"),
        ({"level": "good", "comment": "好" * 1001}, "", "comment"),
        ({"level": "good", "comment": "好"}, "&year=2999", "year"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(api, unit_year, body, query, field):
    w = unit_year
    url = f"/api/v1/units/{w.unit1.id}/community-ratings?community_id={w.comm1.id}" + (
        query or f"&year={YEAR}"
    )
    res = api(w.staff1).put(url, json=body)
    assert res.status_code == 422, res.json
    assert field in res.json["errors"]
    assert count(UnitRating) == 0 and count(AuditEntry, AuditEntry.action.like("unit_rating.%")) == 0


def test_a_missing_community_id_is_422(api, unit_year):
    w = unit_year
    res = api(w.staff1).get(f"/api/v1/units/{w.unit1.id}/community-ratings?year={YEAR}")
    assert res.status_code == 422 and "community_id" in res.json["errors"]


def test_a_future_year_cannot_be_published(api, unit_year):
    w = unit_year
    res = api(w.staff1).post(f"/api/v1/communities/{w.comm1.id}/unit-ratings/publish", json={"year": 2999})
    assert res.status_code == 422 and "year" in res.json["errors"]
    assert count(UnitRating) == 0


def test_projects_delivered_count_and_raise_the_score(api, world, now):
    """A co-building project the unit claimed (accepted) and the community closed this year."""
    from app.projects import services as projects
    from app.registrations.units import register_unit
    from tests.projects.conftest import post_project

    w = world
    register_unit(
        unit=w.unit1,
        community_id=w.comm1.id,
        actor=w.admin,
        resources=[{"kind": "venue", "name": "会议室", "quantity": 1}],
    )
    project = post_project(w.staff1, w.comm1)
    claim = projects.claim_project(w.unit_admin1, project.id, unit_id=w.unit1.id)
    projects.decide_claim(w.staff1, project.id, claim.id, accept=True)
    projects.close_project(w.staff1, project.id, "完成")
    settle()
    body = api(w.staff1).get(path(w.unit1, w.comm1, now.year)).json
    # member1 registered, not served (0 %): the mean is 0, plus 5 for the project
    assert body["figures"]["projects_delivered"] == 1 and body["figures"]["score"] == 5.0


# ---- the cut-offs of the levels: a street's or district's yearly standards ---------------------

MEMBER_LEVELS = [
    {"level": "excellent", "min_points": 100, "min_checklist_percent": 100},
    {"level": "good", "min_points": 60, "min_checklist_percent": 80},
    {"level": "qualified", "min_points": 20, "min_checklist_percent": 60},
    {"level": "basic", "min_points": 5, "min_checklist_percent": 0},
]
THRESHOLDS = "/api/v1/rating-thresholds"


def standards(place, cutoffs=None, year=YEAR):
    levels = [
        dict(item, min_unit_score=score) if score is not None else item
        for item, score in zip(MEMBER_LEVELS, cutoffs or [None] * 4, strict=True)
    ]
    return {"place_id": place.id, "year": year, "levels": levels}


def levels_of(api, w, *pairs):
    return [api(w.admin).get(path(unit, community)).json["computed_level"] for unit, community in pairs]


def test_unit_cutoffs_default_then_follow_the_street_or_district_set(api, unit_year):
    w = unit_year
    pairs = ((w.unit1, w.comm1), (w.unit2, w.comm1), (w.unit1, w.comm3))
    res = api(w.street_admin).get(f"{THRESHOLDS}?place_id={w.street1.id}&year={YEAR}")
    assert [lv["min_unit_score"] for lv in res.json["levels"]] == [90, 80, 65, 50]
    scores = [api(w.admin).get(path(u, c)).json["figures"]["score"] for u, c in pairs]
    assert scores == [56.0, 76.0, 50.0]
    assert levels_of(api, w, *pairs) == ["basic", "qualified", "basic"]  # against 90/80/65/50
    # A district set applies to every street below it that has none.
    res = api(w.admin).put(THRESHOLDS, json=standards(w.district, [95, 85, 75, 57]))
    assert res.status_code == 200, res.json
    assert levels_of(api, w, *pairs) == ["unqualified", "qualified", "unqualified"]
    # The street's own set wins over its district's; comm3 (street2) keeps the district's.
    res = api(w.street_admin).put(THRESHOLDS, json=standards(w.street1, [80, 70, 55, 40]))
    assert res.status_code == 200 and [lv["min_unit_score"] for lv in res.json["levels"]] == [80, 70, 55, 40]
    assert levels_of(api, w, *pairs) == ["qualified", "good", "unqualified"]
    row = api(w.staff1).get(path(w.unit1, w.comm1)).json
    assert (row["level"], row["status"]) == ("qualified", "draft")
    audit = AuditEntry.query.filter_by(action="rating.thresholds").order_by(AuditEntry.id.desc()).first()
    assert [lv["min_unit_score"] for lv in audit.detail["after"]] == [80, 70, 55, 40]
    # Published ratings keep their level when the standards change afterwards.
    staff = api(w.staff1)
    assert staff.post(f"/api/v1/communities/{w.comm1.id}/unit-ratings/publish", json={"year": YEAR}).json[
        "published"
    ] == 2
    api(w.street_admin).put(THRESHOLDS, json=standards(w.street1))  # cut-offs left out: the defaults
    got = api(w.street_admin).get(f"{THRESHOLDS}?place_id={w.street1.id}&year={YEAR}").json
    assert [lv["min_unit_score"] for lv in got["levels"]] == [90, 80, 65, 50]
    assert levels_of(api, w, (w.unit1, w.comm1), (w.unit2, w.comm1)) == ["qualified", "good"]


@pytest.mark.parametrize(
    "cutoffs",
    [
        [101, 80, 65, 50],  # above 100
        [90, 80, 65, -1],  # below 0
        [90, 80, 65, "高"],  # not a number
        [70, 80, 65, 50],  # 优秀 asking less than 良好
        [90, 80, 50, 55],  # 合格 asking less than 基本合格
    ],
)
def test_bad_unit_cutoffs_are_refused_naming_the_field(api, unit_year, cutoffs):
    from app.ratings.models import RatingThreshold

    w = unit_year
    res = api(w.street_admin).put(THRESHOLDS, json=standards(w.street1, cutoffs))
    assert res.status_code == 422 and "levels" in res.json["errors"]
    assert count(RatingThreshold) == 0 and count(AuditEntry, AuditEntry.action == "rating.thresholds") == 0


def test_unit_cutoffs_checked_in_the_service_too(unit_year):
    from app.errors import Invalid
    from app.ratings import thresholds
    from app.ratings.models import RatingThreshold

    w = unit_year
    bad = standards(w.street1, [90, 80, 65, 120])["levels"]
    with pytest.raises(Invalid) as err:
        thresholds.set_thresholds(w.street_admin, w.street1.id, YEAR, bad)
    assert err.value.field == "levels" and count(RatingThreshold) == 0
