"""The everyday tasks of residents and members on a phone (390×844), with their taps counted
(issue 14): a resident asks for help (≤ 4 taps after signing in), a member goes from his home to
a claimed need with its phone and address on screen (≤ 3), completes it (≤ 2), and the resident
rates it (≤ 2). A tap is a click or the tap into a text box before typing. The screenshots in
docs/screenshots/ (README) are taken here."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from app.auth.models import User
from app.extensions import db
from app.orders import services as orders
from app.orders.models import Order

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


class Taps:
    """Counts the taps of one task."""

    def __init__(self):
        self.count = 0

    def tap(self, locator) -> None:
        self.count += 1
        locator.click()

    def type_into(self, locator, text: str) -> None:
        self.count += 1  # the tap into the box; typing is the keyboard's
        locator.click()
        locator.fill(text)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))  # the first screen of the phone


def test_a_resident_asks_for_help_in_at_most_4_taps(world, page, sign_in, committed):
    sign_in(page, world.resident1.username)
    taps = Taps()
    taps.tap(page.get_by_test_id("new-order"))
    taps.type_into(page.get_by_label("需要什么帮助"), "厨房水龙头漏水")
    taps.tap(page.get_by_test_id("submit-order"))
    expect(page.get_by_test_id("steps")).to_contain_text("已提交")
    assert taps.count <= 4, taps.count
    with committed():
        order = db.session.scalars(db.select(Order)).one()
        assert (order.title, order.resident_id, order.status) == (
            "厨房水龙头漏水", world.resident1.id, "submitted")


def _pool_need(world, committed, title="帮忙换灯泡") -> int:
    with committed() as session:
        resident, staff = session.get(User, world.resident1.id), session.get(User, world.staff1.id)
        order = orders.create_order(resident, title=title, category="维修服务", address="仓边路8号3楼",
                                    contact_phone="13912345678")
        orders.dispatch(staff, order.id, to_pool=True)
        return order.id


def test_a_member_claims_a_need_from_his_home_in_at_most_3_taps_then_completes_it_in_2(
        world, page, sign_in, committed):
    order_id = _pool_need(world, committed)
    sign_in(page, world.member1.username)
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_test_id("needs-waiting")).to_contain_text("1 个需求等你认领")
    expect(page.get_by_test_id("next-steps")).to_contain_text("认领一个群众需求")
    expect(page.get_by_test_id("tabbar")).to_be_visible()
    shot(page, "member-home")

    taps = Taps()
    taps.tap(page.get_by_test_id("needs-waiting"))
    taps.tap(page.get_by_test_id(f"claim-{order_id}"))
    expect(page).to_have_url(re.compile(rf"/orders/{order_id}$"))
    phone = page.get_by_test_id("contact")
    expect(phone).to_have_text("13912345678")
    expect(phone).to_have_attribute("href", "tel:13912345678")
    expect(page.get_by_test_id("address")).to_have_text("仓边路8号3楼")
    expect(page.get_by_role("link", name="地图")).to_have_attribute("href", re.compile(r"%E4%BB%93%E8%BE%B9"))
    expect(page.get_by_test_id("next-step")).to_be_visible()
    for element in (phone, page.get_by_test_id("address")):
        box = element.bounding_box()
        assert box and box["y"] + box["height"] <= 844, box  # on the first screen
    assert taps.count <= 3, taps.count
    shot(page, "member-claimed-need")

    taps = Taps()
    taps.type_into(page.get_by_label("办理情况"), "已上门换好灯泡")
    taps.tap(page.get_by_test_id("complete"))
    expect(page.get_by_role("alert")).to_contain_text("已标记完成")
    assert taps.count <= 2, taps.count
    with committed():
        assert db.session.get(Order, order_id).status == "completed"


def test_a_resident_rates_a_done_need_in_at_most_2_taps(world, page, sign_in, committed):
    order_id = _pool_need(world, committed, title="修门锁")
    with committed() as session:
        member = session.get(User, world.member1.id)
        orders.claim(member, order_id)
        orders.complete(member, order_id, "已修好门锁")
    sign_in(page, world.resident1.username)
    card = page.get_by_test_id(f"order-{order_id}")
    expect(card.get_by_test_id("steps")).to_contain_text("请评价")
    for jargon in ("党员领单池", "领单 ", "派往"):
        expect(page.locator("main")).not_to_contain_text(jargon)
    taps = Taps()
    taps.tap(page.get_by_test_id(f"rate-{order_id}"))
    expect(page.get_by_test_id("rate-card")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")  # the picture: the step bar, then the rating
    shot(page, "resident-need")
    taps.tap(page.get_by_test_id("score-5"))
    expect(page.get_by_test_id("steps")).to_contain_text("已评价")
    assert taps.count <= 2, taps.count
    with committed():
        order = db.session.get(Order, order_id)
        assert (order.status, order.score) == ("closed", 5)
