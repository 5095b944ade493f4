"""Photo evidence to certificate, end to end in a phone-sized chromium with CSRF on: a member
logs service with two photos, staff verify it with the photos on screen, and the member
downloads his certificate (a PDF holding his name and hours)."""
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from app.clock import local_today
from app.extensions import db
from app.photos.models import Photo
from app.service.models import ServiceRecord
from tests.pdfs import pdf_text, read_pdf
from tests.photos.conftest import picture


def test_service_with_photos_is_verified_and_certified(world, page, new_page, sign_in, committed, tmp_path):
    sign_in(page, world.member1.username)
    page.goto("/service/records/new")
    page.get_by_label("服务类别").select_option(label="关爱老人")
    page.get_by_label("服务开始时间").fill((local_today() - timedelta(days=1)).isoformat() + "T09:00")
    page.get_by_label("时长（小时）").fill("2.5")
    page.get_by_label("服务内容").fill("陪孤寡老人到医院复诊")
    page.get_by_label("现场照片（可选，最多 9 张）").set_input_files([
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": picture(size=(1600, 1200))},
        {"name": "IMG_0002.png", "mimeType": "image/png", "buffer": picture("PNG")}])
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_contain_text("服务记录已提交")
    with committed():
        record_id = db.session.query(ServiceRecord.id).one()[0]
        assert db.session.query(Photo).filter_by(owner_id=record_id).count() == 2

    staff = new_page()
    sign_in(staff, world.staff1.username)
    staff.goto("/staff/verify")
    card = staff.get_by_test_id("pending-record")
    thumbnails = card.get_by_test_id("photos").locator("img")
    expect(thumbnails).to_have_count(2)
    for i in range(2):  # the pictures really load (served to this staff member's session)
        thumbnails.nth(i).scroll_into_view_if_needed()
        staff.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                arg=thumbnails.nth(i).element_handle())
    card.get_by_role("button", name="通过").click()
    expect(staff.get_by_role("alert")).to_contain_text("已通过")

    page.goto("/me/service")
    page.get_by_test_id("certificates-link").click()
    with page.expect_download() as download:
        page.get_by_test_id("download-certificate").click()
    target = Path(tmp_path) / "certificate.pdf"
    download.value.save_as(target)
    text = pdf_text(read_pdf(target.read_bytes()))
    assert world.member1.name in text and "2.5小时" in text and "关爱老人" in text
