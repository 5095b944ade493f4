"""axe-core (tests/browser/vendor/axe.min.js, npm axe-core 4.14.1) on every page of every role,
in the phone viewport: every menu page of each role, the pages the menus lead to
(test_every_page.behind_the_menus), the sign-in and sign-up pages, and a form sent back with
its errors. Zero violations."""
import pytest

from tests.browser.helpers import axe_violations
from tests.browser.test_every_page import ROLES, behind_the_menus, lived_in, menu_links  # noqa: F401


def _check(page, paths) -> list[str]:
    found = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        found += axe_violations(page)
    return found


@pytest.mark.parametrize("who", ROLES)
def test_every_page_of_every_role_has_no_axe_violation(lived_in, page, sign_in, who):  # noqa: F811
    sign_in(page, getattr(lived_in, who).username)
    paths = [*menu_links(page), *behind_the_menus(lived_in).get(who, [])]
    found = _check(page, paths)
    assert not found, "\n".join(found)


def test_pages_before_sign_in_and_a_refused_form_have_no_axe_violation(page, live_server):
    found = _check(page, ["/", "/login", "/login/phone", "/signup", "/residents/signup"])
    page.goto("/login")
    page.get_by_role("button", name="登录").click()  # empty: sent back with the errors at the fields
    found += axe_violations(page)
    assert not found, "\n".join(found)
