"""资源清单: a unit's resource items through the API and the pages, by role and scope; staff
search the resources offered to their communities."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.registrations.models import UnitResource
from app.registrations.units import register_unit
from tests.conftest import count, settle

ROOM = {
    "kind": "venue",
    "name": "党员活动室",
    "quantity": 60,
    "available": "周末全天",
    "contact": "李主任 020-8888",
}


@pytest.fixture
def units(world):
    """unit1 reported to comm1 (its list: a lecture hall), unit2 to comm3 (free clinics)."""
    register_unit(
        unit=world.unit1,
        community_id=world.comm1.id,
        resources=[{"kind": "venue", "name": "报告厅", "quantity": 200}],
        actor=world.admin,
    )
    register_unit(
        unit=world.unit2,
        community_id=world.comm3.id,
        resources=[{"kind": "professional", "name": "义诊", "description": "内科、儿科"}],
        actor=world.admin,
    )
    settle()
    world.hall = UnitResource.query.filter_by(name="报告厅").one()
    world.clinic = UnitResource.query.filter_by(name="义诊").one()
    return world


@pytest.mark.parametrize(
    "who,status",
    [
        ("unit_admin1", 200),
        ("admin", 200),
        ("staff1", 200),
        ("street_admin", 200),
        ("staff2", 404),
        ("staff3", 404),
        ("unit_admin2", 404),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_reading_a_units_list_by_role_and_scope(units, api, who, status):
    res = api(getattr(units, who)).get(f"/units/{units.unit1.id}/resources")
    assert res.status_code == status, res.json
    if status == 200:
        assert [(r["kind"], r["name"], r["quantity"]) for r in res.json] == [("venue", "报告厅", 200)]


@pytest.mark.parametrize(
    "who,status",
    [("unit_admin1", 201), ("admin", 201), ("unit_admin2", 403), ("staff1", 403), ("member1", 403)],
)
def test_adding_an_item_by_role(units, api, who, status):
    before = count(UnitResource)
    res = api(getattr(units, who)).post(f"/units/{units.unit1.id}/resources", ROOM)
    assert res.status_code == status, res.json
    assert count(UnitResource) == before + (status == 201)
    if status == 201:
        assert res.json["contact"] == "李主任 020-8888"
        assert count(AuditEntry, AuditEntry.action == "resource.create") == 1


@pytest.mark.parametrize(
    "over,field",
    [
        ({"kind": "castle"}, "kind"),
        ({"kind": None}, "kind"),
        ({"name": "\u200b"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"contact": "x" * 101}, "contact"),
    ],
)
def test_bad_items_are_422_naming_the_field(units, api, over, field):
    before = count(UnitResource)
    res = api(units.unit_admin1).post(f"/units/{units.unit1.id}/resources", {**ROOM, **over})
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(UnitResource) == before


@pytest.mark.parametrize(
    "who,status",
    [("unit_admin1", 200), ("staff1", 403), ("unit_admin2", 404), ("staff3", 404), ("member1", 403)],
)
def test_changing_and_withdrawing_an_item_by_role_and_scope(units, api, who, status):
    client = api(getattr(units, who))
    res = client.put(f"/resources/{units.hall.id}", {**ROOM, "name": "报告厅（可容200人）"})
    assert res.status_code == status, res.json
    deleted = client.delete(f"/resources/{units.hall.id}")
    assert deleted.status_code == (204 if status == 200 else status)
    hall = db.session.get(UnitResource, units.hall.id)
    assert (hall.withdrawn_at is not None) == (status == 200)
    if status == 200:
        assert hall.name == "报告厅（可容200人）"
        assert api(units.unit_admin1).get(f"/units/{units.unit1.id}/resources").json == []
        assert client.put(f"/resources/{units.hall.id}", ROOM).status_code == 404


def test_staff_search_the_resources_offered_to_their_communities(units, api):
    res = api(units.street_admin).get("/resources")
    assert [r["name"] for r in res.json["items"]] == ["报告厅"]  # unit2 reported to comm3 only
    assert [r["name"] for r in api(units.staff3).get("/resources?kind=professional").json["items"]] == [
        "义诊"
    ]
    assert api(units.staff3).get("/resources?kind=venue").json["items"] == []
    assert [r["name"] for r in api(units.staff3).get("/resources?q=儿科").json["items"]] == ["义诊"]
    assert [r["name"] for r in api(units.staff3).get("/resources?q=第一医院").json["items"]] == ["义诊"]
    assert api(units.staff3).get("/resources?q=%25").json["items"] == []
    assert api(units.staff1).get("/resources?kind=castle").status_code == 422
    assert api(units.unit_admin1).get("/resources").status_code == 403
    assert api(units.member1).get("/resources").status_code == 403


# ---- pages ----------------------------------------------------------------------------------


def test_the_unit_admin_keeps_his_list_on_a_page(units, page):
    client = page(units.unit_admin1)
    html = client.get("/unit/resources").get_data(as_text=True)
    assert "报告厅" in html and "义诊" not in html
    res = client.post("/unit/resources", data={"kind": "equipment", "name": "投影仪", "quantity": "2"})
    assert res.status_code == 302
    assert UnitResource.query.filter_by(name="投影仪", unit_id=units.unit1.id).one().quantity == 2
    res = client.post("/unit/resources", data={"kind": "", "name": "音响"})
    assert res.status_code == 422 and "请选择资源类别" in res.get_data(as_text=True)
    res = client.post(f"/unit/resources/{units.hall.id}/edit", data={"kind": "venue", "name": "大报告厅"})
    assert res.status_code == 302 and db.session.get(UnitResource, units.hall.id).name == "大报告厅"
    assert client.post(f"/unit/resources/{units.hall.id}/delete").status_code == 302
    assert "大报告厅" not in client.get("/unit/resources").get_data(as_text=True)
    assert "投影仪" in client.get("/unit").get_data(as_text=True)
    assert client.get(f"/unit/resources/{units.clinic.id}/edit").status_code == 404
    assert page(units.staff1).get("/unit/resources").status_code == 403


def test_staff_find_resources_on_a_page(units, page):
    html = page(units.staff3).get("/staff/resources?kind=professional&q=儿科").get_data(as_text=True)
    assert "义诊" in html and "市第一医院" in html and "报告厅" not in html
    assert "报告厅" in page(units.staff1).get("/staff/resources").get_data(as_text=True)
    assert page(units.staff1).get("/staff/resources?community_id=abc").status_code == 400
    assert page(units.unit_admin1).get("/staff/resources").status_code == 403
    assert page(units.member1).get("/staff/resources").status_code == 403
