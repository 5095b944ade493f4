"""The site menu and the member's tab bar are rendered once per role, language and page and then
kept (app/templating.py, site_menu): what a reader sees must still be his role's menu, in his
language, with the page he is on marked, whoever asked for that page before him."""
from __future__ import annotations

import re


def html(res) -> str:
    assert res.status_code == 200, res.status_code
    return res.get_data(as_text=True)


def current(body: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', body)


def test_the_menu_marks_the_page_the_reader_is_on(world, page):
    staff = page(world.staff1)
    assert current(html(staff.get("/staff/orders"))) == ["/staff/orders"]
    assert current(html(staff.get("/workbench"))) == ["/workbench"]
    assert current(html(staff.get("/staff/orders"))) == ["/staff/orders"]


def test_each_role_sees_its_own_menu_on_the_same_page(world, page):
    staff_view = html(page(world.staff1).get("/notifications"))
    member_view = html(page(world.member1).get("/notifications"))
    again = html(page(world.staff1).get("/notifications"))
    assert 'href="/staff/orders"' in staff_view and 'href="/staff/orders"' in again
    assert 'href="/staff/orders"' not in member_view
    assert 'data-testid="tabbar"' in member_view and 'data-testid="tabbar"' not in staff_view
    tab = re.search(r'<a href="/notifications"([^>]*)data-testid="tab-messages"', member_view)
    assert tab and 'class="active"' in tab.group(1)
    # the reader's own name is never part of what is kept
    assert world.staff1.name in staff_view and world.staff1.name not in member_view


def test_the_menu_follows_the_readers_language(world, page):
    client = page(world.staff1)
    chinese = html(client.get("/staff/orders"))
    client.get("/lang/en")
    english = html(client.get("/staff/orders"))
    assert ">派单台<" in chinese and ">派单台<" not in english
    client.get("/lang/zh_CN")
    assert ">派单台<" in html(client.get("/staff/orders"))
