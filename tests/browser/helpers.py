"""Helpers for browser tests (see conftest.py)."""
from __future__ import annotations

from tests.factories import PASSWORD


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login page; fails the test if the site refuses."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"sign-in as {username} failed"


def assert_fits_phone(page) -> None:
    """The page is usable on a phone: nothing sticks out sideways of the viewport."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide in a {width}px viewport"
