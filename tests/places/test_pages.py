"""The admin pages (places, units, accounts, audit), the 组织报到 page and the unit home."""
import pytest

from app.audit.models import AuditEntry
from app.auth.models import User
from app.places.models import Place, Unit
from app.registrations.models import UnitRegistration
from app.registrations.units import register_unit
from tests import factories as f
from tests.conftest import count, settle

ADMIN_PAGES = ["/admin", "/admin/units", "/admin/accounts"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("who", ["member1", "resident1", "staff1", "unit_admin1", "street_admin"])
def test_admin_pages_are_for_admins_only(world, page, who, path):
    client = page(getattr(world, who))
    assert client.get(path).status_code == 403
    assert client.post(path if path != "/admin" else "/admin/places", data={}).status_code in (302, 403)


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/admin/audit", "/staff/unit-registrations"])
def test_admin_pages_render(world, page, path):
    res = page(world.admin).get(path)
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and ("系统管理" in html or "组织报到" in html or "操作记录" in html)


def test_admin_adds_a_place_on_the_page(world, page):
    client = page(world.admin)
    res = client.post("/admin/places", data={"p-kind": "grid", "p-name": "第三网格",
                                             "p-parent_id": world.comm1.id})
    assert res.status_code == 302 and res.headers["Location"] == "/admin"
    grid = Place.query.filter_by(name="第三网格").one()
    assert grid.parent_id == world.comm1.id and grid.path.startswith(world.comm1.path)
    assert "第三网格" in client.get("/admin?page=1").get_data(as_text=True)
    assert count(AuditEntry, AuditEntry.action == "place.create", AuditEntry.actor_id == world.admin.id) == 1


@pytest.mark.parametrize("data,message", [
    ({"p-kind": "grid", "p-name": "x", "p-parent_id": 0}, "上级应为社区"),
    ({"p-kind": "community", "p-name": "x", "p-parent_id": "@comm1"}, "上级应为街道"),
    ({"p-kind": "street", "p-name": "", "p-parent_id": "@district"},
     '<div class="field has-error">\n  <label for="p-name">'),
])
def test_bad_place_form_shows_the_error_and_writes_nothing(world, page, data, message):
    data = {k: getattr(world, v[1:]).id if str(v).startswith("@") else v for k, v in data.items()}
    before = count(Place)
    res = page(world.admin).post("/admin/places", data=data)
    assert res.status_code == 422 and message in res.get_data(as_text=True)
    assert count(Place) == before


def test_admin_adds_units_and_sees_duplicates_refused(world, page):
    client = page(world.admin)
    res = client.post("/admin/units", data={"u-name": "区档案馆", "u-kind": "institution"})
    assert res.status_code == 302
    res = client.post("/admin/units", data={"u-name": "区档案馆", "u-kind": "agency"})
    assert res.status_code == 409 and "单位已存在" in res.get_data(as_text=True)
    assert count(Unit, Unit.name == "区档案馆") == 1
    html = client.get("/admin/units?q=档案").get_data(as_text=True)
    assert "区档案馆" in html and "区税务局" not in html


def test_admin_creates_accounts_on_the_page(world, page):
    client = page(world.admin)
    res = client.post("/admin/accounts", data={"a-username": "staff_new", "a-password": "long-enough",
                                               "a-name": "新工作人员", "a-phone": "13700001111",
                                               "a-role": "staff", "a-place_id": world.comm2.id,
                                               "a-unit_id": 0})
    assert res.status_code == 302
    user = User.query.filter_by(username="staff_new").one()
    assert (user.role, user.place_id) == ("staff", world.comm2.id) and user.check_password("long-enough")
    html = client.get("/admin/accounts?role=staff").get_data(as_text=True)
    assert 'data-testid="account-staff_new"' in html and "13700001111" in html
    assert 'data-testid="account-member1_w"' not in html
    assert count(AuditEntry, AuditEntry.action == "user.create", AuditEntry.target_id == user.id) == 1


@pytest.mark.parametrize("over,message", [
    ({"a-place_id": 0}, "请选择所属地区"), ({"a-role": "unit_admin"}, "请选择单位"),
    ({"a-place_id": "street1"}, "所属地区类型不符"), ({"a-username": "member1_w"}, "用户名已存在"),
    ({"a-password": "short"}, "8"), ({"a-phone": "12345"}, "手机号应为11位数字"),
])
def test_bad_account_form_shows_the_error_and_writes_nothing(world, page, over, message):
    if over.get("a-place_id") == "street1":
        over = {"a-place_id": world.street1.id}
    data = {"a-username": "staff_new", "a-password": "long-enough", "a-name": "新工作人员", "a-phone": "",
            "a-role": "staff", "a-place_id": world.comm2.id, "a-unit_id": 0, **over}
    before = count(User)
    res = page(world.admin).post("/admin/accounts", data=data)
    assert res.status_code in (409, 422) and message in res.get_data(as_text=True)
    assert count(User) == before


def test_accounts_list_paginates_and_searches(world, page):
    for n in range(35):
        f.MemberFactory(unit=world.unit1, username=f"bulk{n:02d}")
    settle()
    client = page(world.admin)
    first, second = client.get("/admin/accounts"), client.get("/admin/accounts?page=2")
    assert first.get_data(as_text=True).count('data-testid="account-') == 30
    assert second.get_data(as_text=True).count('data-testid="account-') == count(User) - 30
    found = client.get("/admin/accounts?q=bulk1").get_data(as_text=True)
    assert found.count('data-testid="account-') == 10


ROOM = {"kind": "venue", "name": "会议室"}
MEDICAL = {"kind": "professional", "name": "义诊"}


# ---- 组织报到 ------------------------------------------------------------------------------

def test_staff_register_a_unit_with_its_resources(world, page):
    client = page(world.staff1)
    html = client.get("/staff/unit-registrations").get_data(as_text=True)
    assert f'<option value="{world.comm1.id}">仓边社区' in html and "光孝社区" not in html
    assert html.count('data-testid="resource-row"') == 3
    res = client.post("/staff/unit-registrations", data={
        "unit_id": world.unit2.id, "community_id": world.comm1.id,
        "resources-0-kind": "professional", "resources-0-name": "义诊",
        "resources-0-available": "每月第一个周六",
        "resources-1-kind": "venue", "resources-1-name": "健康讲座室", "resources-1-quantity": "50",
        "resources-2-kind": "", "resources-2-name": ""})  # an empty row is left out
    assert res.status_code == 302
    reg = UnitRegistration.query.one()
    assert (reg.unit_id, reg.community_id) == (world.unit2.id, world.comm1.id)
    assert [(r.kind, r.name, r.quantity, r.available) for r in reg.resources] == [
        ("professional", "义诊", None, "每月第一个周六"), ("venue", "健康讲座室", 50, "")]
    listing = client.get("/staff/unit-registrations").get_data(as_text=True)
    assert "市第一医院" in listing and "义诊" in listing and "每月第一个周六" in listing
    assert count(AuditEntry, AuditEntry.action == "unit.register") == 1


def test_unit_registration_form_refuses_other_communities_and_duplicates(world, page):
    client = page(world.staff1)
    item = {"resources-0-kind": "professional", "resources-0-name": "义诊"}
    res = client.post("/staff/unit-registrations", data={"unit_id": world.unit2.id, **item,
                                                          "community_id": world.comm3.id})
    assert res.status_code == 422 and count(UnitRegistration) == 0
    data = {"unit_id": world.unit2.id, "community_id": world.comm1.id, **item}
    assert client.post("/staff/unit-registrations", data=data).status_code == 302
    res = client.post("/staff/unit-registrations", data=data)
    assert res.status_code == 409 and "该单位已向此社区报到" in res.get_data(as_text=True)
    res = client.post("/staff/unit-registrations", data={"unit_id": world.unit1.id,
                                                          "community_id": world.comm1.id,
                                                          "resources-0-name": " "})
    assert res.status_code == 422 and "列出至少一项可提供的资源" in res.get_data(as_text=True)
    res = client.post("/staff/unit-registrations", data={"unit_id": world.unit1.id,
                                                          "community_id": world.comm1.id,
                                                          "resources-0-name": "会议室"})  # no kind
    assert res.status_code == 422 and "请选择资源类别" in res.get_data(as_text=True)
    assert count(UnitRegistration) == 1


def test_unit_admin_sees_his_units_registrations(world, page):
    register_unit(unit=world.unit1, community_id=world.comm1.id, resources=["税务咨询"], actor=world.admin)
    register_unit(unit=world.unit2, community_id=world.comm2.id, resources=["义诊"], actor=world.admin)
    settle()
    html = page(world.unit_admin1).get("/unit").get_data(as_text=True)
    assert "仓边社区" in html and "税务咨询" in html and "义诊" not in html
    assert 'href="/unit"' in page(world.unit_admin1).get("/unit/orders").get_data(as_text=True)  # in his menu
    assert page(world.member1).get("/staff/unit-registrations").status_code == 403
    assert page(world.unit_admin1).get("/staff/unit-registrations").status_code == 403


# ---- audit ---------------------------------------------------------------------------------

def test_audit_log_is_scoped(world, page, api):
    api(world.staff1).post(f"/units/{world.unit1.id}/registrations",
                           {"community_id": world.comm1.id, "resources": [ROOM]})
    api(world.staff3).post(f"/units/{world.unit2.id}/registrations",
                           {"community_id": world.comm3.id, "resources": [MEDICAL]})
    everything = page(world.admin).get("/admin/audit").get_data(as_text=True)
    assert world.staff1.name in everything and world.staff3.name in everything
    street = page(world.street_admin).get("/admin/audit").get_data(as_text=True)
    assert world.staff1.name in street and world.staff3.name not in street
    assert page(world.staff1).get("/admin/audit").status_code == 403


def test_audit_log_is_in_words(world, page, api):
    api(world.staff1).post(f"/units/{world.unit1.id}/registrations",
                           {"community_id": world.comm1.id, "resources": [ROOM]})
    html = page(world.admin).get("/admin/audit").get_data(as_text=True)
    assert "单位报到" in html and 'title="unit.register"' in html
    assert f"单位: {world.unit1.id}" in html and f"社区: {world.comm1.id}" in html
    assert "\\u" not in html and "{&#34;" not in html  # not a JSON dump
