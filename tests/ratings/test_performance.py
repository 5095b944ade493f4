"""Department performance (绩效评估): figures on the hand-made year, role × scope, statements
independent of the data size, the page and the xlsx export."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.ratings import need_tally
from tests import factories as f
from tests.conftest import count
from tests.ratings.helpers import YEAR
from tests.ratings.unit_world import need
from tests.sql import statements


def _by_unit(body):
    return {u["unit_id"]: u for u in body["units"]}


def test_the_figures_of_the_hand_made_year(api, unit_year):
    w = unit_year
    body = api(w.street_admin).get(f"/api/v1/statistics/units?place_id={w.street1.id}&year={YEAR}").json
    u1, u2 = _by_unit(body)[w.unit1.id], _by_unit(body)[w.unit2.id]
    assert (u1["received"], u1["accepted"], u1["declined"]) == (5, 3, 1)
    assert u1["acceptance_rate"] == 0.75
    assert u1["first_response_hours"] == 4.0
    assert u1["on_time_rate"] == 0.25
    assert u1["reopened_rate"] == 0.5
    assert (u1["satisfaction"], u1["satisfaction_count"]) == (4.0, 2)
    # score: mean of 0.75, 0.25, 4/5 and 1 - 0.5
    assert u1["score"] == pytest.approx(57.5)
    assert (u2["received"], u2["acceptance_rate"], u2["on_time_rate"], u2["satisfaction"]) == (
        1,
        1.0,
        1.0,
        4.0,
    )
    assert u2["score"] == pytest.approx(95.0)
    assert [u["rank"] for u in body["units"]] == [1, 2]
    assert body["units"][0]["unit_id"] == w.unit2.id
    categories = {c["category"]: c for c in body["categories"]}
    assert categories["维修服务"]["received"] == 1 and categories["维修服务"]["reopened_rate"] == 1.0
    assert categories["关爱老人"]["received"] == 5
    assert body["totals"]["received"] == 6


def test_the_district_adds_other_streets(api, unit_year):
    w = unit_year
    body = api(w.admin).get(f"/api/v1/statistics/units?place_id={w.district.id}&year={YEAR}").json
    assert _by_unit(body)[w.unit1.id]["received"] == 6  # comm3 too
    # comm3's need is open with its deadline ahead: not due, so the on-time rate stays 1 of 4
    assert _by_unit(body)[w.unit1.id]["on_time_rate"] == 0.25
    community = api(w.staff3).get(f"/api/v1/statistics/units?place_id={w.comm3.id}&year={YEAR}").json
    assert [(u["unit_id"], u["received"]) for u in community["units"]] == [(w.unit1.id, 1)]


@pytest.mark.parametrize(
    "who, place, status",
    [
        ("admin", "district", 200),
        ("street_admin", "street1", 200),
        ("street_admin", "comm1", 200),
        ("street_admin", "street2", 403),
        ("street_admin", "district", 403),
        ("staff1", "comm1", 200),
        ("staff1", "comm2", 403),
        ("staff1", "street1", 403),
        ("unit_admin1", "comm1", 403),
        ("member1", "comm1", 403),
        ("resident1", "comm1", 403),
        ("staff1", "grid1", 404),
    ],
)
def test_role_and_scope(api, page, unit_year, who, place, status):
    w = unit_year
    place_id = getattr(w, place).id
    assert (
        api(getattr(w, who)).get(f"/api/v1/statistics/units?place_id={place_id}&year={YEAR}").status_code
        == status
    )
    assert (
        api(getattr(w, who)).get(f"/api/v1/statistics/units.xlsx?place_id={place_id}&year={YEAR}").status_code
        == status
    )
    assert page(getattr(w, who)).get(f"/stats/units?place_id={place_id}&year={YEAR}").status_code == status


def test_unknown_place_and_bad_input(api, unit_year):
    w = unit_year
    client = api(w.admin)
    assert client.get("/api/v1/statistics/units?place_id=999999").status_code == 404
    res = client.get("/api/v1/statistics/units?place_id=abc")
    assert res.status_code == 422 and "place_id" in str(res.json["errors"])
    res = client.get("/api/v1/statistics/units?year=1800")
    assert res.status_code == 422 and "year" in str(res.json["errors"])
    assert api().get("/api/v1/statistics/units").status_code == 401


def test_statements_do_not_grow_with_the_data(api, page, unit_year):
    w = unit_year
    path = f"/api/v1/statistics/units?place_id={w.district.id}&year={YEAR}"
    client = api(w.admin)
    before, page_before = (
        statements(client, path),
        statements(page(w.admin), f"/stats/units?place_id={w.district.id}&year={YEAR}"),
    )
    for i in range(6):
        unit = f.UnitFactory()
        f.UserFactory(role=Role.UNIT_ADMIN, unit_id=unit.id)
        for category in ("关爱老人", "法律咨询", "课业辅导"):
            need(
                w.comm2 if i % 2 else w.comm3,
                unit,
                status="closed",
                category=category,
                accepted_after=1,
                completed_after=3,
                score=4,
            )
    need_tally.rebuild()
    assert statements(client, path) == before
    assert statements(page(w.admin), f"/stats/units?place_id={w.district.id}&year={YEAR}") == page_before


def test_the_page_shows_ranks_and_charts(page, unit_year):
    w = unit_year
    html = (
        page(w.street_admin).get(f"/stats/units?place_id={w.street1.id}&year={YEAR}").get_data(as_text=True)
    )
    assert "<svg" in html and w.unit1.name in html and w.unit2.name in html
    assert "57.5" in html and "95.0" in html


def test_the_export_has_a_row_per_unit_and_is_audited(api, unit_year):
    w = unit_year
    res = api(w.street_admin).get(f"/api/v1/statistics/units.xlsx?place_id={w.street1.id}&year={YEAR}")
    assert res.status_code == 200
    sheet = load_workbook(BytesIO(res.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "单位", "接收需求")
    assert rows[1][:3] == (1, w.unit2.name, 1) and rows[2][:3] == (2, w.unit1.name, 5)
    assert count(AuditEntry, AuditEntry.action == "performance.export") == 1
