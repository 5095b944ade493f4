"""Importing members: create, idempotent re-import, corrected file, dry run, scope."""
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.imports.models import ImportRun
from app.registrations.models import Registration
from tests.conftest import count
from tests.imports.helpers import member_row, upload, xlsx


def _members(rows):
    return xlsx(rows, kind="members")


def test_dry_run_previews_and_writes_nothing(world, api):
    users, regs = count(User), count(Registration)
    data = _members([member_row(), member_row(name="李娜", phone="+86 139-0013-9000"),
                     member_row(name="错单位", phone="13700137000", unit="区税物局")])
    res = upload(api(world.staff1), "members", data)
    assert res.status_code == 200, res.json
    body = res.json
    assert (body["created"], body["updated"], body["unchanged"], body["dry_run"]) == (2, 0, 0, True)
    assert body["errors"] == [
        {"row": 4, "column": "单位", "message": "未找到单位“区税物局”，是否为“区税务局”？"}]
    assert body["id"] is None
    assert (count(User), count(Registration), count(ImportRun)) == (users, regs, 0)


def test_confirmed_import_creates_approved_members_without_password(world, api):
    data = _members([member_row(), member_row(name="李娜", phone="+86 139-0013-9000", grid="")])
    res = upload(api(world.staff1), "members", data, dry_run=False)
    assert res.status_code == 200, res.json
    assert (res.json["created"], res.json["errors"]) == (2, [])
    member = db.session.scalar(sa.select(User).where(User.phone == "13900139000"))
    assert member.role == "member" and member.unit_id == world.unit1.id
    assert not member.check_password("") and not member.check_password("!")
    reg = db.session.scalar(sa.select(Registration).where(Registration.member_id == member.id))
    assert (reg.status, reg.community_id, reg.grid_id, reg.decided_by_id) == (
        "approved", world.comm1.id, None, world.staff1.id)
    run = db.session.get(ImportRun, res.json["id"])
    assert (run.kind, run.created, run.actor_id, run.file_name) == (
        "members", 2, world.staff1.id, "file.xlsx")
    listed = api(world.staff1).get("/imports").json
    assert [item["id"] for item in listed["items"]] == [run.id]
    assert api(world.staff3).get("/imports").json["total"] == 0  # another community's staff


def test_same_file_twice_changes_nothing_and_corrected_file_updates_only_changed(world, api):
    client = api(world.staff1)
    rows = [member_row(), member_row(name="李娜", phone="13900139000")]
    assert upload(client, "members", _members(rows), dry_run=False).json["created"] == 2
    again = upload(client, "members", _members(rows), dry_run=False).json
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    rows[1] = member_row(name="李娜", phone="13900139000", address="新地址5号")
    fixed = upload(client, "members", _members(rows), dry_run=False).json
    assert (fixed["created"], fixed["updated"], fixed["unchanged"]) == (0, 1, 1)
    member = db.session.scalar(sa.select(User).where(User.phone == "13900139000"))
    reg = db.session.scalar(sa.select(Registration).where(Registration.member_id == member.id))
    assert reg.address == "新地址5号"
    assert count(User, User.phone == "13900139000") == 1


def test_duplicates_inside_a_file_are_errors(world, api):
    data = _members([member_row(), member_row(name="张伟2", phone="138 0013 8000")])
    body = upload(api(world.staff1), "members", data, dry_run=False).json
    assert body["created"] == 1
    assert body["errors"] == [{"row": 3, "column": "", "message": "与第 2 行重复"}]


def test_stop_on_error_writes_nothing(world, api):
    users = count(User)
    data = _members([member_row(), member_row(phone="12")])
    body = upload(api(world.staff1), "members", data, dry_run=False, stop_on_error=True).json
    assert body["stopped"] is True and body["id"] is None
    assert body["errors"][0]["column"] == "手机号"
    assert count(User) == users and count(ImportRun) == 0


def test_a_row_outside_the_scope_is_a_row_error(world, api):
    data = _members([member_row(), member_row(name="王强", phone="13600136000", street="六榕街道",
                                              community="光孝社区", grid="")])
    body = upload(api(world.staff1), "members", data, dry_run=False).json
    assert body["created"] == 1
    assert body["errors"] == [{"row": 3, "column": "社区", "message": "“光孝社区”不在您的管辖范围内"}]
    assert count(User, User.phone == "13600136000") == 0
    # the street admin of 北京街道 may import into 都府社区 but not into 六榕街道
    data = _members([member_row(phone="13500135000", community="都府社区"),
                     member_row(name="王强", phone="13600136000", street="六榕街道", community="光孝社区",
                                grid="")])
    body = upload(api(world.street_admin), "members", data, dry_run=False).json
    assert body["created"] == 1 and [e["row"] for e in body["errors"]] == [3]


def test_member_registered_elsewhere_is_a_row_error(world, api):
    data = _members([member_row(name=world.member3.name, phone=world.member3.phone, street="",
                                community="都府社区", grid="")])
    body = upload(api(world.admin), "members", data, dry_run=False).json
    assert body["errors"][0]["column"] == "社区" and "转移" in body["errors"][0]["message"]


def test_wrong_role_and_anonymous(world, api):
    data = _members([member_row()])
    assert upload(api(world.member1), "members", data).status_code == 403
    assert upload(api(world.unit_admin1), "members", data).status_code == 403
    assert upload(api(), "members", data).status_code == 401
    assert api(world.resident1).get("/imports").status_code == 403
