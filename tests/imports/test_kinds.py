"""Places, units, residents and needy households; the templates."""
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from app.auth.models import User
from app.extensions import db
from app.places.models import Place, Unit
from app.registrations.models import UnitRegistration
from app.residents.models import ResidentProfile
from app.service.models import Household
from tests.conftest import count
from tests.imports.helpers import upload, xlsx


def test_places_create_missing_nodes_of_each_path_and_match_by_path(world, api):
    rows = [["越秀区", "北京街道", "仓边社区", "第三网格"], ["越秀区", "东山街道"],
            ["越秀区", "东山街道", "农林社区", "第一网格"], ["越秀区", "北京街道", "仓边社区"]]
    client = api(world.admin)
    body = upload(client, "places", xlsx(rows, kind="places"), dry_run=False).json
    assert (body["created"], body["unchanged"], body["errors"]) == (3, 1, [])
    street = db.session.scalar(sa.select(Place).where(Place.name == "东山街道"))
    community = db.session.scalar(sa.select(Place).where(Place.name == "农林社区"))
    assert community.parent_id == street.id and community.path.startswith(street.path)
    again = upload(client, "places", xlsx(rows, kind="places"), dry_run=False).json
    assert (again["created"], again["unchanged"]) == (0, 4)
    gap = upload(client, "places", xlsx([["越秀区", "", "仓边社区"]], kind="places")).json
    assert gap["errors"][0]["column"] == "街道"


def test_places_outside_the_scope(world, api):
    rows = [["越秀区", "北京街道", "仓边社区", "第九网格"], ["越秀区", "北京街道", "都府社区", "第九网格"],
            ["越秀区", "新街道"]]
    places = count(Place)
    body = upload(api(world.staff1), "places", xlsx(rows, kind="places"), dry_run=False).json
    assert body["created"] == 1
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "网格"), (4, "街道")]
    assert count(Place) == places + 1


def test_units_with_their_communities_and_resources(world, api):
    rows = [["区税务局", "机关", "北京街道", "仓边社区", "法律咨询、志愿者10人"],
            ["新单位", "企业", "", "都府社区", "场地"],
            ["新单位", "事业单位", "", "仓边社区", "场地"],
            ["坏类型", "公司", "", "仓边社区", "场地"]]
    client = api(world.street_admin)
    body = upload(client, "units", xlsx(rows, kind="units"), dry_run=False).json
    assert body["created"] == 2
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(4, "单位类型"), (5, "单位类型")]
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == "新单位"))
    assert unit.kind == "enterprise"
    reg = db.session.scalar(sa.select(UnitRegistration).where(UnitRegistration.unit_id == world.unit1.id))
    assert [(r.kind, r.name) for r in reg.resources] == [("professional", "法律咨询"),
                                                         ("volunteers", "志愿者10人")]
    rows = [["区税务局", "机关", "北京街道", "仓边社区", "法律咨询"],
            ["新单位", "企业", "", "都府社区", "场地"]]
    again = upload(client, "units", xlsx(rows, kind="units"), dry_run=False).json
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    db.session.refresh(reg)
    assert [r.name for r in reg.resources] == ["法律咨询"]


def test_residents_by_phone_with_their_address(world, api):
    rows = [["李芳", "13900139000", "北京街道", "仓边社区", "第一网格", "仓边路2号"],
            ["周杰", "13900139001", "", "仓边社区", "", "仓边路3号"]]
    client = api(world.staff1)
    body = upload(client, "residents", xlsx(rows, kind="residents"), dry_run=False).json
    assert (body["created"], body["errors"]) == (2, [])
    resident = db.session.scalar(sa.select(User).where(User.phone == "13900139000"))
    assert (resident.role, resident.place_id) == ("resident", world.grid1.id)
    assert db.session.get(ResidentProfile, resident.id).address == "仓边路2号"
    rows[1][5] = "仓边路4号"
    again = upload(client, "residents", xlsx(rows, kind="residents"), dry_run=False).json
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    # a resident of another community is not moved by staff of this one
    rows = [[world.resident2.name, world.resident2.phone, "", "仓边社区", "", "路1号"]]
    body = upload(client, "residents", xlsx(rows, kind="residents"), dry_run=False).json
    assert body["errors"][0]["column"] == "手机号"
    db.session.refresh(world.resident2)
    assert world.resident2.place_id == world.comm3.id


def test_households(world, api):
    rows = [["北京街道", "仓边社区", "王阿婆", "仓边路3号", "独居老人"],
            ["", "仓边社区", "李伯", "仓边路5号", ""]]
    client = api(world.staff1)
    body = upload(client, "households", xlsx(rows, kind="households"), dry_run=False).json
    assert (body["created"], body["errors"]) == (2, [])
    rows[0][4] = "独居老人，行动不便"
    again = upload(client, "households", xlsx(rows, kind="households"), dry_run=False).json
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    assert count(Household) == 2
    data = xlsx([["", "光孝社区", "张三", "路1号", ""]], kind="households")
    outside = upload(client, "households", data).json
    assert outside["errors"][0]["column"] == "社区"


def test_templates_have_headers_an_example_and_lists(world, api):
    client = api(world.staff1)
    for kind in ("places", "units", "members", "residents", "households"):
        res = client.get(f"/imports/template?kind={kind}")
        assert res.status_code == 200 and res.mimetype.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(res.data)).active
        assert sheet.max_row == 2
    sheet = load_workbook(io.BytesIO(client.get("/imports/template?kind=units").data)).active
    assert [c.value for c in sheet[1]][:2] == ["单位名称*", "单位类型*"]
    assert sheet.data_validations.dataValidation[0].formula1 == '"机关,事业单位,国有企业,其他"'
    assert client.get("/imports/template?kind=pets").status_code == 422
    assert api(world.member1).get("/imports/template?kind=members").status_code == 403
    # the template itself imports (its example row)
    data = client.get("/imports/template?kind=members").data
    body = upload(client, "members", data).json
    assert body["rows"] == 1 and body["errors"] == []
