"""Unit rating pages: staff list and rate, publish, the unit's page, the community's 双公示 page;
role × scope (403/404), bad input (422, nothing written)."""

import pytest

from app.audit.models import AuditEntry
from app.ratings.models import UnitRating
from app.ratings.publicity import set_publicity
from tests.conftest import count, settle
from tests.ratings.helpers import YEAR


def rating_page(w, unit=None, community=None):
    unit, community = unit or w.unit1, community or w.comm1
    return f"/units/{unit.id}/community-ratings?community_id={community.id}&year={YEAR}"


def test_staff_rate_publish_and_both_ends_show_it(page, unit_year):
    w = unit_year
    staff = page(w.staff1)
    listing = staff.get(f"/staff/unit-ratings?community_id={w.comm1.id}&year={YEAR}").get_data(as_text=True)
    assert w.unit1.name in listing and w.unit2.name in listing and "56.0" in listing
    res = staff.post(rating_page(w), data={"level": "good", "comment": "积极参与共建"})
    assert res.status_code == 302
    html = staff.get(rating_page(w)).get_data(as_text=True)
    assert "积极参与共建" in html and "75.0%" in html
    res = staff.post("/staff/unit-ratings/publish", data={"community_id": w.comm1.id, "year": YEAR})
    assert res.status_code == 302 and count(UnitRating, UnitRating.published_at.is_not(None)) == 2
    unit_page = page(w.unit_admin1).get(f"/unit/community-ratings?year={YEAR}").get_data(as_text=True)
    assert w.comm1.name in unit_page and "良好" in unit_page
    detail = page(w.unit_admin1).get(rating_page(w)).get_data(as_text=True)
    assert "积极参与共建" in detail and "保存评议" not in detail  # the unit reads, does not rate
    set_publicity(w.staff1, w.comm1.id, True)
    settle()
    public = page(w.resident1).get(f"/communities/{w.comm1.id}/ratings?year={YEAR}").get_data(as_text=True)
    assert public.count('data-testid="public-unit"') == 2 and w.unit1.name in public


def test_a_comment_is_required_on_the_page(page, unit_year):
    w = unit_year
    res = page(w.staff1).post(rating_page(w), data={"level": "good", "comment": " "})
    body = res.get_data(as_text=True)
    assert res.status_code == 422 and "请填写评语" in body
    assert '<option selected value="good">' in body  # the choice typed is kept
    assert count(UnitRating) == 0 and count(AuditEntry, AuditEntry.action.like("unit_rating.%")) == 0


@pytest.mark.parametrize(
    "who, status",
    [
        ("staff1", 200),
        ("street_admin", 200),
        ("unit_admin1", 200),
        ("unit_admin2", 403),
        ("staff2", 403),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_rating_page_role_and_scope(page, unit_year, who, status):
    assert page(getattr(unit_year, who)).get(rating_page(unit_year)).status_code == status


@pytest.mark.parametrize("who", ["unit_admin1", "staff2", "member1"])
def test_only_staff_of_the_community_rate_on_the_page(page, unit_year, who):
    """A refused form post goes back with the reason flashed (app/errors.py), writing nothing."""
    client = page(getattr(unit_year, who))
    res = client.post(rating_page(unit_year), data={"level": "good", "comment": "好"})
    assert res.status_code == 302 and count(UnitRating) == 0
    assert count(AuditEntry, AuditEntry.action.like("unit_rating.%")) == 0


@pytest.mark.parametrize(
    "who, path, status",
    [
        ("staff1", "/staff/unit-ratings", 200),
        ("unit_admin1", "/staff/unit-ratings", 403),
        ("member1", "/staff/unit-ratings", 403),
        ("staff2", "/staff/unit-ratings?community_id={comm1}", 403),
        ("unit_admin1", "/unit/community-ratings", 200),
        ("staff1", "/unit/community-ratings", 403),
        ("unit_admin1", "/units/{unit1}/published-ratings", 200),
        ("unit_admin2", "/units/{unit1}/published-ratings", 403),
        ("admin", "/units/{unit1}/published-ratings", 200),
        ("admin", "/units/999999/published-ratings", 404),
        ("staff1", "/units/{unit2}/community-ratings?community_id={comm3}", 403),
        ("staff3", "/units/{unit2}/community-ratings?community_id={comm3}", 404),  # unit2 not there
    ],
)
def test_pages_role_and_scope(page, unit_year, who, path, status):
    w = unit_year
    url = path.format(comm1=w.comm1.id, comm3=w.comm3.id, unit1=w.unit1.id, unit2=w.unit2.id)
    assert page(getattr(w, who)).get(url).status_code == status


def test_publish_outside_scope_writes_nothing(page, unit_year):
    w = unit_year
    res = page(w.staff2).post("/staff/unit-ratings/publish", data={"community_id": w.comm1.id, "year": YEAR})
    assert res.status_code == 302 and count(UnitRating) == 0
    assert count(AuditEntry, AuditEntry.action == "unit_rating.publish") == 0
