"""Onboarding in a phone-sized chromium: staff upload a members workbook, read the preview
with its errors, confirm; an imported member signs in with an SMS code and sees his approved
registration."""
import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.auth.models import User
from app.extensions import db
from app.imports.models import ImportRun
from tests.browser.helpers import assert_fits_phone
from tests.imports.helpers import member_row, xlsx


def test_staff_import_members_and_a_member_signs_in_by_phone(world, page, new_page, sign_in, committed,
                                                              tmp_path):
    workbook = tmp_path / "党员名单.xlsx"
    workbook.write_bytes(xlsx([
        member_row(name="陈志强", phone="+86 158-0000-0001", grid="第一网格"),
        member_row(name="林晓红", phone="15800000002", unit="区税物局"),  # a typo in the unit
        member_row(name="黄建国", phone="15800000003", community="光孝社区", street="六榕街道", grid=""),
    ]))
    staff = new_page()
    sign_in(staff, world.staff1.username)
    staff.goto("/admin/imports")
    assert_fits_phone(staff)
    staff.get_by_label("导入内容").select_option("members")
    staff.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(workbook))
    staff.get_by_role("button", name="预览（不写入）").click()
    result = staff.locator("#result")
    expect(result).to_contain_text("预览结果")
    expect(result).to_contain_text("新建 1")
    expect(result).to_contain_text("错误 2")
    expect(result).to_contain_text("未找到单位“区税物局”，是否为“区税务局”？")
    expect(result).to_contain_text("“光孝社区”不在您的管辖范围内")
    assert_fits_phone(staff)
    with committed():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                                 .where(User.phone == "15800000001")) == 0
    staff.get_by_role("button", name="确认导入").click()
    expect(result).to_contain_text("导入完成")
    expect(staff.locator("table").last).to_contain_text("党员名单.xlsx")
    with committed():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun)) == 1

    # The imported member signs in with a code sent to his phone (shown outside production).
    page.goto("/login")
    page.get_by_role("link", name="手机验证码登录").click()
    assert_fits_phone(page)
    page.locator("form").first.get_by_label("手机号").fill("15800000001")
    page.get_by_role("button", name="获取验证码").click()
    code = re.search(r"\d{6}", page.locator("#shown-code").inner_text()).group(0)
    page.locator("form").last.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto("/me")
    expect(page.get_by_test_id("registration-status")).to_have_text("已通过")
    expect(page.get_by_test_id("home-community")).to_have_text("仓边社区")
    assert_fits_phone(page)
