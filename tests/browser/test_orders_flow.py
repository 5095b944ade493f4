"""点单 → 派单 → 接单 → 领单 → done → rated, end to end in a phone-sized chromium: a resident
files a need, staff dispatch it to a unit, the unit's admin accepts it, a member of the unit
claims and completes it, and the resident rates it; everyone on his own phone, CSRF on."""
import re

from playwright.sync_api import expect

from app.extensions import db
from app.orders.models import Order
from app.points.models import ChecklistEvidence, LedgerEntry
from app.registrations.units import register_unit


def test_a_need_travels_from_the_resident_to_a_member_and_back(world, page, new_page, sign_in,
                                                               committed):
    with committed():
        register_unit(unit=world.unit1, community_id=world.comm1.id, resources=["上门维修"],
                      actor=world.admin)

    # The resident lands on his orders and files a need in large type.
    sign_in(page, world.resident1.username)
    expect(page).to_have_url(re.compile(r"/resident/orders$"))
    page.get_by_test_id("new-order").click()
    page.get_by_label("需要什么帮助").fill("厨房水龙头漏水")
    page.get_by_label("类别").select_option(label="维修服务")
    page.get_by_label("详细说明").fill("一直滴水，晚上吵得睡不着")
    page.get_by_label("较急（1天内）").check()
    page.get_by_test_id("submit-order").click()
    expect(page.get_by_role("alert")).to_contain_text("需求已提交")
    expect(page.get_by_test_id("steps")).to_contain_text("已提交")
    order_id = int(re.search(r"/orders/(\d+)$", page.url).group(1))

    # Staff of the community find it on the dispatch board and send it to the unit.
    staff = new_page()
    sign_in(staff, world.staff1.username)
    staff.goto("/staff/orders")
    staff.get_by_role("link", name="厨房水龙头漏水").click()
    expect(staff.get_by_test_id("contact")).to_have_text(world.resident1.phone)
    staff.get_by_label("派给").select_option(label="区税务局")
    staff.get_by_role("button", name="派单", exact=True).click()
    expect(staff.get_by_role("alert")).to_contain_text("已派单")
    expect(staff.get_by_test_id("status")).to_have_text("已派单")

    # The unit's admin accepts it from the unit inbox.
    unit = new_page()
    sign_in(unit, world.unit_admin1.username)
    unit.goto("/unit/orders")
    unit.get_by_test_id(f"accept-{order_id}").click()
    expect(unit.get_by_role("alert")).to_contain_text("已接单")

    # A member of the unit claims it from the orders near him, then reports it done.
    member = new_page()
    sign_in(member, world.member1.username)
    member.goto("/orders/open")
    member.get_by_test_id(f"claim-{order_id}").click()
    expect(member.get_by_role("alert")).to_contain_text("领单成功")
    expect(member).to_have_url(re.compile(rf"/orders/{order_id}$"))  # straight on to the order
    expect(member.get_by_test_id("contact")).to_have_text(world.resident1.phone)
    member.get_by_label("办理情况").fill("已上门更换新的水龙头")
    member.get_by_test_id("complete").click()
    expect(member.get_by_test_id("status")).to_have_text("待评价")

    # The resident was told; he rates it, and the order is closed with its whole timeline.
    page.goto("/notifications")
    expect(page.get_by_text("您的点单「厨房水龙头漏水」待评价")).to_be_visible()
    page.goto(f"/orders/{order_id}")
    page.get_by_placeholder("想说的话（可不填）").fill("很及时")
    page.get_by_test_id("score-5").click()
    expect(page.get_by_test_id("steps")).to_contain_text("已评价")
    expect(page.get_by_test_id("score")).to_have_text("5")
    staff.goto(f"/orders/{order_id}")
    timeline = staff.get_by_test_id("timeline")
    for step in ("点单", "派单", "接单", "领单", "完成", "评价"):
        expect(timeline).to_contain_text(step)

    with committed():
        order = db.session.get(Order, order_id)
        assert (order.status, order.score, order.unit_id) == ("closed", 5, world.unit1.id)
        rules = sorted(e.rule_key for e in db.session.query(LedgerEntry).filter_by(
            member_id=world.member1.id))
        assert rules == ["order_completed", "order_good_rating"]
        assert db.session.query(ChecklistEvidence).filter_by(
            member_id=world.member1.id, item_key="solve_problem").count() == 1
