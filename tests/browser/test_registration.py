"""双报到 end to end in a phone-sized chromium: a member signs up and registers with his
community, staff approve him, and he sees it; then he moves house."""
import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.audit.models import AuditEntry
from app.auth.models import User
from app.extensions import db
from app.places.models import Unit
from app.registrations.models import Registration, UnitRegistration
from tests.browser.helpers import assert_fits_phone
from tests.factories import PASSWORD


def test_member_signs_up_registers_and_staff_approve(world, page, new_page, sign_in, committed):
    # The member signs up on the public page.
    page.goto("/")
    assert_fits_phone(page)
    page.get_by_role("link", name="党员注册").click()
    assert_fits_phone(page)
    page.get_by_label("用户名").fill("zhangwei")
    page.get_by_label("密码（至少8位）").fill("s3cret-pass")
    page.get_by_label("姓名").fill("张伟")
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("工作单位").select_option(label="区税务局")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_role("alert")).to_contain_text("注册成功")
    expect(page).to_have_url(re.compile(r"/register$"))

    # He registers with the community where he lives.
    assert_fits_phone(page)
    page.get_by_label("居住地社区").select_option(label="仓边社区")
    page.get_by_label("网格（可选）").select_option(label="仓边社区 · 第一网格")
    page.get_by_label("居住地址").fill("仓边路12号3栋502房")
    page.get_by_label("个人特长（用逗号分隔）").fill("法律咨询，理发")
    page.get_by_label("可服务时间（作息时间）").fill("周末全天")
    page.get_by_role("button", name="提交报到").click()
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_test_id("registration-status")).to_have_text("待审核")
    expect(page.get_by_test_id("home-community")).to_have_text("仓边社区")
    assert_fits_phone(page)

    # Staff of another community do not see him; his community's staff approve him.
    other = new_page()
    sign_in(other, world.staff3.username)
    other.goto("/staff/registrations")
    expect(other.get_by_text("张伟")).to_have_count(0)

    staff = new_page()
    sign_in(staff, world.staff1.username)
    expect(staff).to_have_url(re.compile(r"/workbench$"))  # the staff's home: what waits
    expect(staff.get_by_test_id("tile-registrations")).to_contain_text("1")
    staff.get_by_test_id("tile-registrations").click()
    expect(staff).to_have_url(re.compile(r"/staff/registrations\?status=pending$"))
    card = staff.locator("article", has_text="张伟")
    expect(card).to_contain_text("仓边路12号3栋502房")
    assert_fits_phone(staff)
    expect(card).to_contain_text("13912345678")  # his community's staff need his phone
    card.get_by_role("button", name="通过").click()
    expect(staff.get_by_role("alert")).to_contain_text("已通过 张伟 的报到")
    expect(staff.locator("article", has_text="张伟")).to_have_count(0)  # left the pending queue

    # The member sees the approval, his points summary and the notification.
    page.reload()
    expect(page.get_by_test_id("registration-status")).to_have_text("已通过")
    expect(page.get_by_test_id("points-summary")).to_be_visible()
    assert_fits_phone(page)
    page.goto("/notifications")
    expect(page.get_by_text("报到审核通过")).to_be_visible()

    with committed():
        member = db.session.scalar(sa.select(User).where(User.username == "zhangwei"))
        reg = db.session.scalar(sa.select(Registration).where(Registration.member_id == member.id))
        assert (reg.status, reg.community_id, reg.grid_id) == ("approved", world.comm1.id, world.grid1.id)
        assert reg.skills == ["法律咨询", "理发"] and reg.decided_by_id == world.staff1.id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "registration.approve", AuditEntry.target_id == reg.id,
            AuditEntry.actor_id == world.staff1.id)) == 1


def test_member_moves_house_and_keeps_his_history(world, page, sign_in, committed):
    sign_in(page, world.member1.username)
    expect(page.get_by_test_id("registration-status")).to_have_text("已通过")
    page.get_by_role("link", name="搬家了？转移报到").click()
    assert_fits_phone(page)
    page.get_by_label("居住地社区").select_option(label="光孝社区")
    page.get_by_label("居住地址").fill("光孝路8号")
    page.get_by_role("button", name="提交转移").click()
    expect(page.get_by_role("alert")).to_contain_text("已提交转移报到")
    expect(page.get_by_test_id("home-community")).to_have_text("光孝社区")
    expect(page.get_by_test_id("registration-status")).to_have_text("待审核")
    history = page.get_by_test_id("registration-history")
    expect(history.locator("tr", has_text="仓边社区")).to_contain_text("已转移")
    expect(history.locator("tr", has_text="光孝社区")).to_contain_text("待审核")
    assert_fits_phone(page)
    with committed():
        statuses = db.session.scalars(sa.select(Registration.status).where(
            Registration.member_id == world.member1.id).order_by(Registration.id)).all()
        assert statuses == ["transferred", "pending"]


def test_forms_refuse_a_post_without_the_csrf_token(world, page, committed):
    page.goto("/login")
    response = page.request.post("/login", form={"username": world.staff1.username,
                                                 "password": PASSWORD})
    assert response.status == 400
    assert "CSRF" in response.text() or "csrf" in response.text()
    response = page.request.post("/signup", form={"username": "nocsrf", "password": PASSWORD,
                                                  "name": "无令牌", "phone": "13900000000",
                                                  "unit_id": str(world.unit1.id)})
    assert response.status == 400
    with committed():
        assert db.session.scalar(sa.select(User.id).where(User.username == "nocsrf")) is None


def test_admin_pages_work_on_a_phone(world, page, sign_in, committed):
    sign_in(page, world.admin.username)
    for path in ("/admin", "/admin/units", "/admin/accounts", "/staff/unit-registrations", "/admin/audit"):
        page.goto(path)
        assert_fits_phone(page)
    page.goto("/admin/units")
    page.get_by_label("单位名称").fill("区档案馆")
    page.get_by_label("类型").select_option(label="事业单位")
    page.get_by_role("button", name="添加").click()
    expect(page.get_by_role("alert")).to_contain_text("已添加单位")
    page.goto("/staff/unit-registrations")
    page.get_by_label("单位", exact=True).select_option(label="区档案馆")
    page.get_by_label("报到社区").select_option(label="光孝社区")
    page.locator('[name="resources-0-kind"]').select_option(label="专业服务")
    page.locator('[name="resources-0-name"]').fill("档案查询")
    page.locator('[name="resources-1-kind"]').select_option(label="志愿者")
    page.locator('[name="resources-1-name"]').fill("志愿讲解")
    page.locator('[name="resources-1-quantity"]').fill("6")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("article", has_text="区档案馆")).to_contain_text("档案查询")
    expect(page.locator("article", has_text="区档案馆")).to_contain_text("志愿讲解 · 数量 6")
    with committed():
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "区档案馆"))
        reg = db.session.scalar(sa.select(UnitRegistration).where(UnitRegistration.unit_id == unit.id))
        assert reg.community_id == world.comm3.id
        assert [(r.kind, r.name, r.quantity) for r in reg.resources] == [("professional", "档案查询", None),
                                                                        ("volunteers", "志愿讲解", 6)]
