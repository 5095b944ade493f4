"""Helpers for browser tests (see conftest.py)."""
from __future__ import annotations

from pathlib import Path

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
    page.wait_for_load_state()  # after a click the next page may not have a document yet
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide in a {width}px viewport"


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core 4.14.1 (npm), MPL-2.0


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is (WCAG 2.x A/AA and best practices), one line
    each: rule, impact and the first elements concerned. axe is put into the page by the
    DevTools protocol (not a <script>, which the CSP would refuse), so the pages carry nothing."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
      const result = await axe.run(document, {resultTypes: ['violations']});
      return result.violations.map(v => v.id + ' (' + v.impact + '): ' +
        v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return [f"{page.url}: {line}" for line in found]
