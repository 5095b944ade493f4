"""Every role opens every page of its menu on a phone: no error, nothing sticks out sideways, and
the menu offers nothing the role may not open. Then the pages a few of them lead to (order
detail and candidates, activity, member points, audit, letters)."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.activities.services import create_activity
from app.auth.models import User
from app.database import local_today, utcnow
from app.orders.services import create_order, dispatch
from app.places.models import Unit
from app.points.services import adjust
from app.ratings.services import publish
from app.registrations.units import register_unit
from app.service.services import create_household, create_record, create_suggestion
from tests.browser.helpers import assert_fits_phone

ROLES = ("admin", "street_admin", "staff1", "unit_admin1", "member1", "newbie", "resident1")
LONG_MENU = {"admin", "street_admin", "staff1"}  # folded behind one button on a phone


@pytest.fixture
def lived_in(world, committed):
    """The small world with something on each page: an order past its deadline, an activity, a
    service record and a suggestion to verify, a needy household, points."""
    now = utcnow()
    with committed() as session:
        admin, staff, member, resident = (session.get(User, u.id) for u in (
            world.admin, world.staff1, world.member1, world.resident1))
        register_unit(unit=session.get(Unit, world.unit1.id), community_id=world.comm1.id,
                      resources=["会议室"], actor=admin)
        order = create_order(resident, title="楼道灯坏了", category="守护平安",
                             description="三楼楼道的灯一直不亮", now=now - timedelta(days=5))
        dispatch(staff, order.id, to_pool=True, now=now - timedelta(days=5))
        activity = create_activity(staff, community_id=world.comm1.id, title="夜间平安巡逻",
                                   category="守护平安", starts_at=now + timedelta(days=1),
                                   ends_at=now + timedelta(days=1, hours=2), capacity=20)
        create_record(member, community_id=world.comm1.id, category="守护平安",
                      started_at=now - timedelta(days=2), hours=2, description="网格巡查",
                      checklist_item="grid_volunteer")
        create_suggestion(member, community_id=world.comm1.id, title="增设楼道照明", body="三楼到五楼没有灯")
        create_household(staff, community_id=world.comm1.id, name="李大爷", address="仓边路1号")
        adjust(staff, member.id, 3, "补录积分")
        publish(staff, world.comm1.id, local_today().year)  # letters for the unit
    world.order_id, world.activity_id = order.id, activity.id
    return world


def menu_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("nav.menu a", "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(hrefs))


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert_fits_phone(page)


@pytest.mark.parametrize("who", ROLES)
def test_every_menu_page_opens_and_fits_a_phone(lived_in, page, sign_in, who):
    sign_in(page, getattr(lived_in, who).username)
    assert_fits_phone(page)
    links = menu_links(page)
    assert len(links) >= 2, links
    toggle = page.get_by_test_id("menu-toggle")
    if who in LONG_MENU:  # one tap opens the whole menu
        expect(toggle).to_be_visible()
        toggle.click()
        expect(page.locator("details.menu-phone nav.menu a").first).to_be_visible()
    else:
        expect(toggle).to_have_count(0)
        expect(page.locator("nav.menu a").first).to_be_visible()
    for path in links:
        visit(page, path)
        expect(page.locator("main h1").first).to_be_visible()


def test_pages_behind_the_menus_fit_a_phone(lived_in, page, new_page, sign_in):
    w = lived_in
    sign_in(page, w.staff1.username)
    for path in (f"/orders/{w.order_id}", f"/orders/{w.order_id}/candidates", f"/activities/{w.activity_id}",
                 f"/activities/{w.activity_id}/qr", f"/members/{w.member1.id}/points",
                 f"/staff/points/adjust?member_id={w.member1.id}", "/orders/new",
                 "/leaderboard?scope=community"):
        visit(page, path)
    # The overdue order heads the board; the verify queue names the checklist item in words.
    visit(page, "/staff/orders")
    expect(page.locator("[data-testid^=order-]").first).to_contain_text("楼道灯坏了")
    visit(page, "/staff/verify")
    expect(page.get_by_test_id("pending-record")).to_contain_text("当一次网格志愿者")
    expect(page.get_by_test_id("pending-record")).not_to_contain_text("grid_volunteer")

    admin = new_page()
    sign_in(admin, w.admin.username)
    visit(admin, "/admin/audit")
    expect(admin.locator("main table")).to_contain_text("积分调整")
    expect(admin.locator("main table")).not_to_contain_text("\\u")

    unit = new_page()
    sign_in(unit, w.unit_admin1.username)
    year = local_today().year
    for path in (f"/members/{w.member1.id}/rating", f"/units/{w.unit1.id}/cover-letter",
                 f"/units/{w.unit1.id}/letters", f"/members/{w.member1.id}/letter"):
        path += f"?year={year}"
        visit(unit, path)
    unit.emulate_media(media="print")  # printed: the letter alone, no menus
    expect(unit.locator("header.topbar")).to_be_hidden()
    expect(unit.locator("article.letter")).to_be_visible()

    resident = new_page()
    sign_in(resident, w.resident1.username)
    visit(resident, f"/orders/{w.order_id}")
    visit(resident, "/orders/new")
    urgent = resident.get_by_label("紧急（2小时内）")
    box = urgent.locator("xpath=..").bounding_box()  # the whole line is the tap target
    assert box["height"] >= 44 and box["width"] >= 200, box
