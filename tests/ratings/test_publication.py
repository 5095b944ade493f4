"""Before publishing: the community's members by level (page and API), the warning when most
would be 基本合格 or below (the page then asks for a confirmation), and 双公示 showing what
the community chose (every level, or 合格 and above), audited."""
from __future__ import annotations

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.ratings import publicity, services
from app.ratings.models import Rating, RatingPublicity
from tests import factories as f
from tests.conftest import count
from tests.ratings.helpers import YEAR, points, tick


def html(res) -> str:
    return res.get_data(as_text=True)


def idle_members(world, n: int) -> None:
    """n more members of comm1 with nothing done: 不合格 by the default thresholds."""
    for _ in range(n):
        f.member_in(world.comm1, world.unit1)
    db.session.commit()


def test_the_summary_counts_members_by_level(rated):
    summary = services.level_summary(rated.staff1, rated.comm1.id, YEAR)
    assert summary["counts"] == {"excellent": 1, "good": 0, "qualified": 1, "basic": 0, "unqualified": 0}
    assert (summary["total"], summary["unrated"], summary["low"], summary["mostly_low"]) == (2, 0, 0, False)


def test_mostly_low_is_flagged(rated):
    idle_members(rated, 3)
    summary = services.level_summary(rated.staff1, rated.comm1.id, YEAR)
    assert summary["counts"]["unqualified"] == 3 and summary["mostly_low"] is True
    basic = f.member_in(rated.comm1, rated.unit1)
    points(basic, 12)
    tick(basic, 1)
    db.session.commit()
    assert services.level_summary(rated.staff1, rated.comm1.id, YEAR)["counts"]["basic"] == 1


def test_summary_api(rated, api):
    idle_members(rated, 3)
    res = api(rated.staff1).get(f"/communities/{rated.comm1.id}/ratings/summary?year={YEAR}")
    assert res.status_code == 200
    assert res.json["counts"]["unqualified"] == 3 and res.json["mostly_low"] is True
    assert api(rated.staff1).get(f"/communities/{rated.comm1.id}/ratings/summary?year=1").status_code == 422
    assert api(rated.staff3).get(f"/communities/{rated.comm1.id}/ratings/summary").status_code == 403
    assert api(rated.member1).get(f"/communities/{rated.comm1.id}/ratings/summary").status_code == 403


def test_the_page_shows_the_summary_and_the_marks_legend(rated, page):
    body = html(page(rated.staff1).get(f"/staff/ratings?year={YEAR}"))
    assert 'data-testid="level-bar"' in body and 'data-testid="marks-legend"' in body
    assert "优秀 <b>1</b>" in body and "合格 <b>1</b>" in body
    assert 'data-testid="low-warning"' not in body and "confirm_low" not in body


def test_publishing_mostly_low_needs_a_confirmation(rated, page):
    idle_members(rated, 3)
    staff = page(rated.staff1)
    body = html(staff.get(f"/staff/ratings?year={YEAR}"))
    assert 'data-testid="low-warning"' in body and "3 人（多数）将被评为基本合格或不合格" in body
    res = staff.post("/staff/ratings/publish", data={"community_id": rated.comm1.id, "year": YEAR})
    assert res.status_code == 302
    assert "请先核对评议标准" in html(staff.get(res.headers["Location"]))
    assert count(Rating, Rating.published_at.is_not(None)) == 0
    res = staff.post("/staff/ratings/publish", data={"community_id": rated.comm1.id, "year": YEAR,
                                                      "confirm_low": "y"})
    assert count(Rating, Rating.published_at.is_not(None)) == 5
    assert count(AuditEntry, AuditEntry.action == "rating.publish") == 1


def test_a_normal_year_publishes_without_a_confirmation(rated, page):
    page(rated.staff1).post("/staff/ratings/publish", data={"community_id": rated.comm1.id, "year": YEAR})
    assert count(Rating, Rating.published_at.is_not(None)) == 2


def test_the_public_page_shows_what_the_community_chose(rated, api, page):
    idle_members(rated, 1)
    services.publish(rated.staff1, rated.comm1.id, YEAR)
    publicity.set_publicity(rated.staff1, rated.comm1.id, True)
    db.session.commit()
    path = f"/communities/{rated.comm1.id}/public-ratings?year={YEAR}"
    assert api(rated.resident1).get(path).json["total"] == 3
    res = page(rated.staff1).post("/staff/ratings/publicity", data={
        "community_id": rated.comm1.id, "is_public": "y", "shown_levels": "qualified_up"})
    assert res.status_code == 302
    row = db.session.get(RatingPublicity, rated.comm1.id)
    assert (row.is_public, row.shown_levels) == (True, "qualified_up")
    entry = (db.session.query(AuditEntry).filter_by(action="rating.publicity")
             .order_by(AuditEntry.id.desc()).first())
    assert entry.detail["shown_levels"] == "qualified_up" and entry.detail["shown_before"] == "all"
    body = api(rated.resident1).get(path).json
    assert body["total"] == 2 and {i["level"] for i in body["items"]} == {"excellent", "qualified"}
    public = html(page(rated.resident1).get(f"/communities/{rated.comm1.id}/ratings?year={YEAR}"))
    assert "只公示合格及以上等次" in public and public.count('data-testid="public-row"') == 2
    back = api(rated.staff1).put(f"/communities/{rated.comm1.id}/ratings/publicity",
                                 {"is_public": True, "shown_levels": "all"})
    assert back.json["shown_levels"] == "all" and api(rated.resident1).get(path).json["total"] == 3


@pytest.mark.parametrize("body", [{"is_public": True, "shown_levels": "some"},
                                  {"is_public": True, "shown_levels": 3}])
def test_a_bad_shown_levels_writes_nothing(rated, api, body):
    res = api(rated.staff1).put(f"/communities/{rated.comm1.id}/ratings/publicity", body)
    assert res.status_code == 422 and "shown_levels" in res.json["errors"]
    assert count(RatingPublicity) == 0 and count(AuditEntry, AuditEntry.action == "rating.publicity") == 0


def test_a_bad_shown_levels_on_the_page_writes_nothing(rated, page):
    res = page(rated.staff1).post("/staff/ratings/publicity", data={
        "community_id": rated.comm1.id, "is_public": "y", "shown_levels": "some"})
    assert res.status_code == 302
    assert count(RatingPublicity) == 0
