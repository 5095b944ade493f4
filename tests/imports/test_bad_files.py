"""Bad files: a clear 4xx for a file that cannot be read, a row error for a bad cell, nothing
written, never a 500."""
import io
import zipfile
from datetime import date

import pytest

from app.auth.models import User
from app.registrations.models import Registration
from tests.conftest import count
from tests.imports.helpers import csv_bytes, member_row, upload, xlsx


@pytest.fixture
def staff(world, api):
    return api(world.staff1)


def _refused(res, status=422):
    assert res.status_code == status, res.json
    return res.json


def _zip_of(name, text):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize("data, name, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "不是有效的"),
    (b"%PDF-1.4\x00\x01", "members.xlsx", "不是有效的"),
    (_zip_of("hello.txt", "hi"), "members.xlsx", "不是有效的 Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls", ".xls"),
    (b"", "members.xlsx", "文件为空"),
    (b"\n\n  \n", "members.csv", "文件为空"),
])
def test_not_a_spreadsheet_or_empty(staff, data, name, words):
    users = count(User)
    body = _refused(upload(staff, "members", data, name=name, dry_run=False))
    assert words in body["errors"]["file"][0]
    assert count(User) == users


def test_header_only_is_refused(staff):
    body = _refused(upload(staff, "members", xlsx([]), dry_run=False))
    assert "没有数据行" in body["errors"]["file"][0]


def test_wrong_or_missing_header(staff):
    body = _refused(upload(staff, "members", xlsx([["a", "b"]], header=["名字", "电话"])))
    assert "表头缺少" in body["errors"]["file"][0] and "姓名" in body["errors"]["file"][0]
    header = ["姓名", "手机号", "单位", "社区", "居住地址", "备注"]
    body = _refused(upload(staff, "members", xlsx([["张伟"] * 6], header=header)))
    assert "无法识别的列：备注" in body["errors"]["file"][0]
    # the template's required marks are accepted
    header = ["姓名*", "手机号*", "单位*", "社区*", "居住地址*"]
    data = xlsx([["张伟", "13800138000", "区税务局", "仓边社区", "路1号"]], header=header)
    res = upload(staff, "members", data)
    assert res.status_code == 200 and res.json["created"] == 1


def test_too_many_rows(staff, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    rows = [member_row(phone=f"1380013800{i}") for i in range(4)]
    users = count(User)
    body = _refused(upload(staff, "members", xlsx(rows), dry_run=False))
    assert "3 行的上限" in body["errors"]["file"][0]
    assert count(User) == users


def test_file_over_the_size_limit_is_413(staff, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 2048)
    res = upload(staff, "members", csv_bytes([member_row()] * 200), name="big.csv")
    assert res.status_code == 413 and res.json["code"] == 413


def test_merged_cells_are_refused(staff):
    data = xlsx([member_row(), member_row(phone="13900139000")], setup=lambda s: s.merge_cells("C2:C3"))
    body = _refused(upload(staff, "members", data))
    assert "合并单元格" in body["errors"]["file"][0]


def test_formulas_and_dates_are_row_errors(staff):
    rows = [member_row(phone="=13800138000+1"), member_row(phone="13900139000", address=date(2024, 5, 1))]
    body = upload(staff, "members", xlsx(rows), dry_run=False).json
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "手机号"), (3, "居住地址")]
    assert "公式" in body["errors"][0]["message"] and "日期" in body["errors"][1]["message"]
    assert body["created"] == 0


def test_full_width_digits_spaces_and_phone_formats_are_normalised(staff, world):
    rows = [member_row(phone="１３８００１３８０００", unit=" 区税务局  ", community="仓边社区 "),
            member_row(name="李娜", phone="+86 139-0013-9000"),
            member_row(name="王强", phone=13700137000),  # a number cell
            member_row(name="赵敏", phone="(0086) 136 0013 6000 ")]
    body = upload(staff, "members", xlsx(rows), dry_run=False).json
    assert (body["created"], body["errors"]) == (4, [])
    assert count(User, User.phone.in_(["13800138000", "13900139000", "13700137000", "13600136000"])) == 4


def test_bad_phones_unknown_names_with_the_nearest(staff):
    rows = [member_row(phone="12345"), member_row(phone="13900139000", community="仓边社"),
            member_row(phone="13700137000", grid="第九网格"),
            member_row(phone="13600136000", street="北京街")]
    errors = upload(staff, "members", xlsx(rows)).json["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "手机号"), (3, "社区"), (4, "网格"), (5, "街道")]
    assert errors[1]["message"] == "未找到社区“仓边社”，是否为“仓边社区”？"
    assert "第一网格" in errors[2]["message"] or "第二网格" in errors[2]["message"]


def test_csv_in_utf8_and_gb18030(staff):
    for encoding in ("utf-8-sig", "gb18030"):
        data = csv_bytes([member_row()], encoding=encoding)
        body = upload(staff, "members", data, name="members.csv").json
        assert (body["created"], body["errors"]) == (1, []), encoding


def test_missing_file_or_kind(staff):
    res = staff.open("POST", "/api/v1/imports", data={"kind": "members"}, content_type="multipart/form-data")
    assert res.status_code == 422 and "file" in res.json["errors"]
    res = upload(staff, "pets", xlsx([member_row()]))
    assert res.status_code == 422 and "kind" in res.json["errors"]
    assert count(Registration) == 3


def test_a_workbook_whose_sheet_breaks_off(staff):
    data = xlsx([member_row()])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    body = _refused(upload(staff, "members", buffer.getvalue()))
    assert "不是有效的 Excel" in body["errors"]["file"][0]


def test_a_file_over_the_global_body_limit_but_within_the_import_limit_is_read(staff, app, monkeypatch):
    """The import blueprints declare IMPORT_MAX_BYTES (app/request_body.allow_larger_bodies): a
    file larger than MAX_CONTENT_LENGTH reaches the reader (here: a row error, not a 413),
    while any other endpoint still refuses such a body."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 256 * 1024)
    data = csv_bytes([member_row()] * 200)
    assert 4096 < len(data) < 256 * 1024
    res = upload(staff, "members", data, name="big.csv", dry_run=True)
    assert res.status_code == 200, res.json
    assert res.json["dry_run"] is True and res.json["errors"]  # 200 copies of one phone: duplicates
    other = staff.open("POST", "/api/v1/orders", data=b"x" * 8192, content_type="application/json")
    assert other.status_code == 413
