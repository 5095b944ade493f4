"""The account pages in chromium on a phone, with CSRF on: an admin resets a password and
disables an account from /admin/accounts; the user signs in with the temporary password, is
held on 修改密码 until he sets his own, and signs out everywhere."""
from playwright.sync_api import expect

from app.auth.models import User
from app.extensions import db
from tests.browser.helpers import assert_fits_phone

NEW = "Quiet-River-7781"


def test_reset_change_disable_on_a_phone(world, page, new_page, sign_in, committed):
    sign_in(page, world.admin.username)
    page.goto(f"/admin/accounts?q={world.resident1.username}")
    assert_fits_phone(page)
    row = page.get_by_test_id(f"account-{world.resident1.username}")
    row.get_by_role("button", name="重置密码").click()
    expect(page.get_by_test_id("temporary-password")).to_be_visible()
    assert_fits_phone(page)
    temporary = page.get_by_test_id("password").inner_text().strip()

    resident = new_page()
    sign_in(resident, world.resident1.username, temporary)
    assert resident.url.endswith("/me/password")
    expect(resident.get_by_test_id("must-change")).to_be_visible()
    assert_fits_phone(resident)
    resident.goto("/resident")  # every other page leads back here until the password is changed
    assert resident.url.endswith("/me/password")
    resident.get_by_label("当前密码").fill(temporary)
    resident.get_by_label("新密码", exact=True).fill("12345678")
    resident.get_by_label("再次输入新密码").fill("12345678")
    resident.get_by_role("button", name="修改密码").click()
    expect(resident.locator(".field.has-error")).to_contain_text("太常见")
    resident.get_by_label("当前密码").fill(temporary)
    resident.get_by_label("新密码", exact=True).fill(NEW)
    resident.get_by_label("再次输入新密码").fill(NEW)
    resident.get_by_role("button", name="修改密码").click()
    expect(resident.locator(".flash.success")).to_contain_text("密码已修改")
    resident.goto("/resident")
    assert resident.url.endswith("/resident")
    with committed():
        user = db.session.get(User, world.resident1.id)
        assert user.check_password(NEW) and not user.must_change_password

    # Disabled by the admin: the resident's next page is the login page.
    page.goto(f"/admin/accounts?q={world.resident1.username}")
    page.get_by_test_id(f"account-{world.resident1.username}").get_by_role("button", name="停用").click()
    expect(page.locator(".flash.success")).to_contain_text("已停用账号")
    resident.goto("/resident")
    assert "/login" in resident.url
    page.goto(f"/admin/accounts?q={world.resident1.username}")
    page.get_by_test_id(f"account-{world.resident1.username}").get_by_role("button", name="启用").click()
    sign_in(resident, world.resident1.username, NEW)


def test_sign_out_everywhere_on_a_phone(world, page, new_page, sign_in):
    other = new_page()
    sign_in(page, world.member1.username)
    sign_in(other, world.member1.username)
    page.goto("/me/password")
    page.get_by_test_id("logout-everywhere").click()
    expect(page.locator(".flash.success")).to_contain_text("已在所有设备上退出登录")
    other.goto("/me")
    assert "/login" in other.url
