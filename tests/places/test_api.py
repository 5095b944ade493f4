"""Places, units and 组织报到 through the JSON API."""
import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.places.models import Place, Unit
from app.registrations.models import UnitRegistration, UnitResource
from tests.conftest import count

NOT_ADMIN = ["member1", "resident1", "staff1", "unit_admin1", "street_admin"]


# ---- places --------------------------------------------------------------------------------

def test_admin_builds_the_hierarchy(world, api):
    client = api(world.admin)
    district = client.post("/places", {"kind": "district", "name": "天河区"}).json
    street = client.post("/places", {"kind": "street", "name": "石牌街道", "parent_id": district["id"]}).json
    community = client.post("/places", {"kind": "community", "name": "华师社区",
                                        "parent_id": street["id"]}).json
    res = client.post("/places", {"kind": "grid", "name": "第一网格", "parent_id": community["id"]})
    assert res.status_code == 201
    assert res.json == {"id": res.json["id"], "kind": "grid", "name": "第一网格",
                        "parent_id": community["id"]}
    grid = db.session.get(Place, res.json["id"])
    assert grid.ancestor_ids() == [district["id"], street["id"], community["id"], grid.id]
    children = api(world.member1).get(f"/places/{street['id']}/children")
    assert children.status_code == 200 and [c["name"] for c in children.json] == ["华师社区"]
    assert count(AuditEntry, AuditEntry.action == "place.create") == 4


@pytest.mark.parametrize("body,field", [
    ({"kind": "street", "name": "x"}, "parent_id"),                 # a street needs a district
    ({"kind": "community", "name": "x", "parent_id": "district"}, "parent_id"),  # wrong parent kind
    ({"kind": "district", "name": "x", "parent_id": "district"}, "parent_id"),   # a district has none
    ({"kind": "grid", "name": "x", "parent_id": 999999}, "parent_id"),
    ({"kind": "building", "name": "x"}, "kind"),
    ({"kind": "district", "name": ""}, "name"),
    ({"kind": "district"}, "name"),
    ({"kind": "district", "name": "x" * 101}, "name"),
])
def test_bad_place_input_names_the_field_and_writes_nothing(world, api, body, field):
    if body.get("parent_id") == "district":
        body = {**body, "parent_id": world.district.id}
    before = count(Place)
    res = api(world.admin).post("/places", body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(Place) == before


@pytest.mark.parametrize("who", NOT_ADMIN)
def test_only_admins_create_places_and_units(world, api, who):
    client = api(getattr(world, who))
    places, units = count(Place), count(Unit)
    assert client.post("/places", {"kind": "district", "name": "天河区"}).status_code == 403
    assert client.post("/units", {"name": "新单位", "kind": "agency"}).status_code == 403
    assert (count(Place), count(Unit)) == (places, units)


def test_places_need_a_signed_in_user_and_known_ids(world, api):
    assert api().get(f"/places/{world.comm1.id}").status_code == 401
    assert api().post("/places", {"kind": "district", "name": "x"}).status_code == 401
    assert api(world.resident1).get(f"/places/{world.comm1.id}").json["name"] == "仓边社区"
    assert api(world.resident1).get("/places/999999").status_code == 404
    assert api(world.resident1).get("/places/999999/children").status_code == 404
    assert api(world.resident1).get(f"/places/{2**31}").status_code == 404  # beyond any id


# ---- units ---------------------------------------------------------------------------------

def test_admin_creates_units_with_unique_names(world, api):
    res = api(world.admin).post("/units", {"name": "区档案馆", "kind": "institution"})
    assert res.status_code == 201 and res.json["kind"] == "institution"
    dup = api(world.admin).post("/units", {"name": "区档案馆", "kind": "agency"})
    assert dup.status_code == 409 and "name" in dup.json["errors"]
    assert count(Unit, Unit.name == "区档案馆") == 1


@pytest.mark.parametrize("body,field", [({"name": "x", "kind": "church"}, "kind"),
                                        ({"kind": "agency"}, "name"),
                                        ({"name": "", "kind": "agency"}, "name")])
def test_bad_unit_input_is_422(world, api, body, field):
    before = count(Unit)
    res = api(world.admin).post("/units", body)
    assert res.status_code == 422 and field in res.json["errors"]
    assert count(Unit) == before


def test_units_are_listed_publicly_paginated_and_searchable(world, api):
    res = api().get("/units?page_size=1")
    assert res.status_code == 200 and res.json["total"] == 2 and len(res.json["items"]) == 1
    assert [u["name"] for u in api().get("/units?q=税务").json["items"]] == ["区税务局"]
    assert api().get("/units?q=%25").json["total"] == 0  # LIKE wildcards are literal
    assert api().get("/units?page_size=101").status_code == 422


# ---- 组织报到 ------------------------------------------------------------------------------

LAW = {"kind": "professional", "name": "法律咨询", "available": "每周三下午"}
ROOM = {"kind": "venue", "name": "会议室", "quantity": 30, "contact": "王老师 020-1234"}


def unit_reg(w, **over):
    return {"community_id": w.comm1.id, "resources": [LAW, ROOM], **over}


@pytest.mark.parametrize("who,community,status", [
    ("admin", "comm3", 201), ("street_admin", "comm2", 201), ("street_admin", "comm3", 403),
    ("staff1", "comm1", 201), ("staff1", "comm2", 403), ("member1", "comm1", 403),
    ("resident1", "comm1", 403), ("unit_admin1", "comm1", 403),
])
def test_unit_registration_by_role_and_scope(world, api, who, community, status):
    res = api(getattr(world, who)).post(f"/units/{world.unit1.id}/registrations",
                                        unit_reg(world, community_id=getattr(world, community).id))
    assert res.status_code == status, res.json
    assert count(UnitRegistration) == (1 if status == 201 else 0)
    if status == 201:
        assert [(r["kind"], r["name"], r["quantity"]) for r in res.json["resources"]] == [
            ("professional", "法律咨询", None), ("venue", "会议室", 30)]
        assert res.json["unit_name"] == "区税务局"
        assert count(AuditEntry, AuditEntry.action == "unit.register") == 1


def test_a_unit_reports_once_to_a_community(world, api):
    client = api(world.staff1)
    assert client.post(f"/units/{world.unit1.id}/registrations", unit_reg(world)).status_code == 201
    res = client.post(f"/units/{world.unit1.id}/registrations", unit_reg(world, resources=[LAW]))
    assert res.status_code == 409 and res.json["code"] == 409
    assert client.post(f"/units/{world.unit2.id}/registrations", unit_reg(world)).status_code == 201
    assert count(UnitRegistration) == 2


@pytest.mark.parametrize("over,field", [({"community_id": "grid1"}, "community_id"),
                                        ({"community_id": 999999}, "community_id"),
                                        ({"community_id": None}, "community_id"),
                                        ({"resources": []}, "resources"),
                                        ({"resources": ["会议室"]}, "resources"),
                                        ({"resources": [{"kind": "venue", "name": "  "}]}, "resources"),
                                        ({"resources": [{"kind": "castle", "name": "城堡"}]}, "resources"),
                                        ({"resources": [{"kind": "venue", "name": "x" * 101}]}, "resources"),
                                        ({"resources": [{**ROOM, "quantity": -1}]}, "resources"),
                                        ({"resources": "会议室"}, "resources")])
def test_bad_unit_registration_input_is_422(world, api, over, field):
    if over.get("community_id") == "grid1":
        over = {"community_id": world.grid1.id}
    res = api(world.admin).post(f"/units/{world.unit1.id}/registrations", unit_reg(world, **over))
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(UnitRegistration) == 0 and count(UnitResource) == 0


def test_unknown_unit_is_404(world, api):
    assert api(world.admin).post("/units/999999/registrations", unit_reg(world)).status_code == 404
    assert api(world.admin).get("/units/999999/registrations").status_code == 404


def test_who_reads_a_units_registrations(world, api):
    path = f"/units/{world.unit1.id}/registrations"
    for community in (world.comm1, world.comm3):
        assert api(world.admin).post(path, unit_reg(world, community_id=community.id)).status_code == 201
    assert api(world.unit_admin1).get(path).json["total"] == 2
    assert api(world.admin).get(path).json["total"] == 2
    assert [r["community_id"] for r in api(world.staff1).get(path).json["items"]] == [world.comm1.id]
    assert api(world.street_admin).get(path).json["total"] == 1
    assert api(world.staff2).get(path).json["total"] == 0
    for who in ("unit_admin2", "member1", "resident1"):
        assert api(getattr(world, who)).get(path).status_code == 403, who
    assert api().get(path).status_code == 401
