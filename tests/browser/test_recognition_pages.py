"""Stored XSS on the recognition pages (积分兑换, 通知公告, 表彰): hostile markup in every field
people write there stays text for every role that sees it (the checks of test_every_page)."""
from playwright.sync_api import expect

from app.announcements.services import post
from app.auth.models import User
from app.honours.services import decide, nominate, object_to
from app.rewards.services import create_reward, redeem
from tests.browser.test_every_page import HOSTILE, WATCH, hostile, inspect, lived_in  # noqa: F401


def test_hostile_text_stays_text_on_the_recognition_pages(hostile, committed, new_page, sign_in):  # noqa: F811
    w = hostile
    with committed() as session:
        staff, street, member, resident = (session.get(User, u.id) for u in (
            w.staff1, w.street_admin, w.member1, w.resident1))
        reward = create_reward(staff, place_id=w.comm1.id, name=HOSTILE[:100], description=HOSTILE,
                               points=1, stock=3)
        redeem(member, reward.id, "xss-tap")
        post(staff, place_id=w.comm1.id, title=HOSTILE[:120], body=HOSTILE, is_pinned=True)
        honour = nominate(staff, kind="service_star", member_id=member.id, reasons=HOSTILE)
        decide(street, honour.id, "approve")
        object_to(resident, honour.id, HOSTILE)
    pages = {"member1": ["/rewards", "/announcements", "/honours", "/me"],
             "staff1": ["/rewards", "/rewards/redemptions", "/announcements", "/honours"],
             "resident1": ["/announcements", "/honours", "/"],
             "street_admin": ["/honours", "/announcements"]}
    for who, paths in pages.items():
        page = new_page()
        page.add_init_script(WATCH)
        sign_in(page, getattr(w, who).username)
        for path in paths:
            assert inspect(page, path)["shown"], f"{who} {path}: the stored text is not on the page"
        if who == "staff1":
            page.goto("/honours")
            page.locator("details summary").first.click()  # the objections, opened
            expect(page.locator("details ul li").first).to_contain_text("onerror")
