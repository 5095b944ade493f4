"""The language switch in a real browser: the EN link turns the pages English (and stays so),
中文 turns them back; an "are you sure?" prompt shows its English text and still guards the form."""
from datetime import timedelta

from playwright.sync_api import expect

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.orders.models import OrderClaim
from app.orders.services import claim, create_order, dispatch


def test_switch_to_english_and_back(world, page, sign_in):
    sign_in(page, world.member1.username)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.menu")).to_contain_text("My home")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/leaderboard")  # the choice is kept (cookie)
    expect(page.locator("main h1")).to_contain_text("Leaderboard")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("main h1")).to_contain_text("积分排行")


def test_english_prompt_guards_giving_up_a_claim(world, page, sign_in, committed):
    now = utcnow()
    with committed() as session:
        resident, staff, member = (session.get(User, u.id) for u in (
            world.resident1, world.staff1, world.member1))
        order = create_order(resident, title="楼道灯坏了", category="守护平安", now=now - timedelta(hours=3))
        dispatch(staff, order.id, to_pool=True, now=now - timedelta(hours=2))
        claim(member, order.id, now=now - timedelta(hours=1))
    sign_in(page, world.member1.username)
    page.goto("/lang/en")
    page.goto(f"/orders/{order.id}")
    prompts = []

    def answer(dialog):
        prompts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("button", name="Give up claim").click()
    assert prompts == ["Giving up a claim costs points. Are you sure?"]
    expect(page.locator("main h1")).to_contain_text("楼道灯坏了")
    with committed():
        assert db.session.query(OrderClaim).filter_by(order_id=order.id, released_at=None).count() == 1
