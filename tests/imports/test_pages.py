"""/admin/imports: upload → preview with its errors → confirm; roles."""
import io

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.imports.models import ImportRun
from app.registrations.models import Registration
from tests.conftest import count
from tests.imports.helpers import member_row, xlsx


def test_preview_then_confirm(world, page):
    client = page(world.staff1)
    assert client.get("/admin/imports").status_code == 200
    data = xlsx([member_row(), member_row(name="坏号码", phone="123")])
    res = client.post("/admin/imports", data={"kind": "members", "file": (io.BytesIO(data), "党员.xlsx")},
                      content_type="multipart/form-data")
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and "预览结果" in html and "新建 1" in html and "手机号“123”无效" in html
    assert count(User, User.phone == "13800138000") == 0
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    res = client.post("/admin/imports/confirm", data={"kind": "members", "token": token})
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and "导入完成" in html and "党员.xlsx" in html
    member = db.session.scalar(sa.select(User).where(User.phone == "13800138000"))
    assert count(Registration, Registration.member_id == member.id, Registration.status == "approved") == 1
    assert count(ImportRun) == 1
    # the token works once
    res = client.post("/admin/imports/confirm", data={"kind": "members", "token": token})
    assert res.status_code == 422 and count(ImportRun) == 1


def test_bad_file_on_the_page_says_why(world, page):
    client = page(world.staff1)
    res = client.post("/admin/imports", data={"kind": "members", "file": (io.BytesIO(b"hello"), "a.txt")},
                      content_type="multipart/form-data")
    assert res.status_code == 422 and "表头缺少" in res.get_data(as_text=True)


def test_template_download_and_roles(world, page):
    res = page(world.street_admin).get("/admin/imports/template/units")
    assert res.status_code == 200 and res.data.startswith(b"PK")
    assert page(world.member1).get("/admin/imports").status_code == 403
    assert page(world.unit_admin1).get("/admin/imports").status_code == 403
    assert page().get("/admin/imports").status_code == 302


def test_the_sample_workbooks_import_cleanly_and_twice_change_nothing(world, app):
    """The samples under app/imports/samples/ fit a district like the demo's (here `world`)."""
    from pathlib import Path

    from app.imports.services import run_import

    folder = Path(app.root_path) / "imports" / "samples"
    for kind in ("places", "units", "members", "residents", "households"):
        data = (folder / f"{kind}.xlsx").read_bytes()
        first = run_import(world.admin, kind, data, f"{kind}.xlsx", dry_run=False)
        assert first["errors"] == [] and first["created"] > 0, (kind, first)
        again = run_import(world.admin, kind, data, f"{kind}.xlsx", dry_run=False)
        assert (again["created"], again["updated"], again["errors"]) == (0, 0, []), kind


def test_cli_import(world, app):
    from pathlib import Path

    runner = app.test_cli_runner()
    sample = str(Path(app.root_path) / "imports" / "samples" / "members.xlsx")
    result = runner.invoke(args=["import", "members", sample, "--dry-run", "--as", world.staff1.username])
    assert result.exit_code == 0 and "dry run; rows 3, created 2" in result.output, result.output
    assert "row 4 社区" in result.output  # 都府社区 is outside staff1's community
    assert count(User, User.phone == "15800000001") == 0
    result = runner.invoke(args=["import", "members", sample])
    assert result.exit_code == 0 and "imported; rows 3, created 3" in result.output, result.output
    member = db.session.scalar(sa.select(User).where(User.phone == "15800000001"))
    status = db.session.scalar(sa.select(Registration.status).where(Registration.member_id == member.id))
    assert status == "pending"
    assert runner.invoke(args=["import", "members", sample, "--as", "nobody"]).exit_code != 0
