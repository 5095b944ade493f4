"""Registration form, transfer, member home with history, and the staff queue."""
import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.registrations.models import Registration
from tests import factories as f
from tests.conftest import count, settle


def form(world, **over):
    return {"community_id": world.comm1.id, "grid_id": world.grid2.id, "address": "仓边路3号",
            "skills": "法律咨询，理发、摄影", "availability": "周末", **over}


def pending(world, member=None, community=None, **kw):
    reg = Registration(member_id=(member or world.newbie).id, community_id=(community or world.comm1).id,
                       address="仓边路1号", skills=["理发"], availability="周末", status="pending", **kw)
    db.session.add(reg)
    settle()
    return reg


def test_member_registers_on_the_page(world, page):
    client = page(world.newbie)
    html = client.get("/register").get_data(as_text=True)
    assert "仓边社区" in html and "仓边社区 · 第二网格" in html
    res = client.post("/register", data=form(world))
    assert res.status_code == 302 and res.headers["Location"] == "/me"
    reg = Registration.query.filter_by(member_id=world.newbie.id).one()
    assert (reg.status, reg.grid_id, reg.skills) == ("pending", world.grid2.id, ["法律咨询", "理发", "摄影"])
    home = client.get("/me").get_data(as_text=True)
    assert "待审核" in home and "仓边社区" in home


@pytest.mark.parametrize("over,field,status", [
    ({"address": ""}, "address", 422), ({"community_id": 999999}, "community_id", 422),
    ({"grid_id": "grid3"}, "grid_id", 422),  # a grid of another community: the service refuses it
    ({"address": "x" * 201}, "address", 422),
    ({"community_id": 0}, "community_id", 422),  # the "请选择社区" line: nobody's community by default
])
def test_bad_registration_form_shows_the_error_and_writes_nothing(world, page, over, field, status):
    if over.get("grid_id") == "grid3":
        over = {"grid_id": world.grid3.id}
    res = page(world.newbie).post("/register", data=form(world, **over))
    html = res.get_data(as_text=True)
    assert res.status_code == status
    assert f'id="{field}"' in html and "has-error" in html
    assert count(Registration, Registration.member_id == world.newbie.id) == 0
    if over.get("community_id") == 0:
        assert "请选择社区" in html


def test_a_pending_member_cannot_register_again_on_the_page(world, page):
    pending(world)
    client = page(world.newbie)
    assert "请等待审核" in client.get("/register").get_data(as_text=True)
    assert client.post("/register", data=form(world, community_id=world.comm3.id)).status_code == 409
    assert count(Registration, Registration.member_id == world.newbie.id) == 1


def test_an_approved_member_is_sent_to_the_transfer_page(world, page):
    res = page(world.member1).get("/register")
    assert res.status_code == 302 and res.headers["Location"] == "/me/transfer"


def test_member_transfers_on_the_page_and_keeps_his_history(world, page):
    client = page(world.member1)
    old = Registration.query.filter_by(member_id=world.member1.id).one()
    html = client.get("/me/transfer").get_data(as_text=True)
    assert "仓边社区" in html and "转移报到" in html
    res = client.post("/me/transfer", data={"community_id": world.comm3.id, "grid_id": 0,
                                            "address": "光孝路8号"})
    assert res.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, old.id).status == "transferred"
    new = Registration.query.filter_by(member_id=world.member1.id, status="pending").one()
    assert (new.community_id, new.previous_id, new.skills) == (world.comm3.id, old.id, old.skills)
    home = client.get("/me").get_data(as_text=True)
    assert "已转移" in home and "光孝社区" in home and "（由搬家转移）" in home


def test_bad_transfer_form_changes_nothing(world, page):
    old = Registration.query.filter_by(member_id=world.member1.id).one()
    res = page(world.member1).post("/me/transfer", data={"community_id": world.comm3.id,
                                                         "grid_id": world.grid1.id, "address": "光孝路8号"})
    assert res.status_code == 422 and "该网格不属于所选社区" in res.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, old.id).status == "approved"
    assert count(Registration, Registration.member_id == world.member1.id) == 1


def test_transfer_page_without_a_registration_goes_to_the_form(world, page):
    res = page(world.newbie).get("/me/transfer")
    assert res.status_code == 302 and res.headers["Location"] == "/register"


def test_member_home_shows_rejections_with_their_reason(world, page):
    pending(world)
    from app.registrations.services import reject

    reject(world.staff1, Registration.query.filter_by(member_id=world.newbie.id).one().id, "门牌号不全")
    settle()
    html = page(world.newbie).get("/me").get_data(as_text=True)
    assert "未通过" in html and "门牌号不全" in html and "去报到" in html


# ---- staff queue ---------------------------------------------------------------------------

def test_queue_shows_pending_of_the_staffs_community_only(world, page):
    mine = pending(world)
    other_member = f.MemberFactory(unit=world.unit1)
    theirs = pending(world, member=other_member, community=world.comm3)
    html = page(world.staff1).get("/staff/registrations").get_data(as_text=True)
    assert f'data-testid="registration-{mine.id}"' in html
    assert f'data-testid="registration-{theirs.id}"' not in html
    approved = page(world.staff1).get("/staff/registrations?status=approved").get_data(as_text=True)
    assert world.member1.name in approved and world.member3.name not in approved


def test_staff_approve_and_reject_on_the_page(world, page):
    first = pending(world)
    other = f.MemberFactory(unit=world.unit1)
    second = pending(world, member=other)
    client = page(world.staff1)
    res = client.post(f"/staff/registrations/{first.id}/approve",
                      data={"next": "/staff/registrations?status=pending"})
    assert res.status_code == 302 and res.headers["Location"] == "/staff/registrations?status=pending"
    assert "已通过" in client.get(res.headers["Location"]).get_data(as_text=True)
    refused = client.post(f"/staff/registrations/{second.id}/reject", data={"reason": ""})
    assert refused.status_code == 422 and 'data-testid="error-reason"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status == "pending"  # no reason, nothing done
    client.post(f"/staff/registrations/{second.id}/reject", data={"reason": "地址不在本社区"})
    db.session.expire_all()
    statuses = [db.session.get(Registration, reg.id).status for reg in (first, second)]
    assert statuses == ["approved", "rejected"]
    assert count(AuditEntry, AuditEntry.actor_id == world.staff1.id) == 2


def test_staff_of_another_community_cannot_decide_on_the_page(world, page):
    reg = pending(world)
    client = page(world.staff3)
    res = client.post(f"/staff/registrations/{reg.id}/approve", headers={"Referer": "/staff/registrations"})
    assert res.status_code == 302  # back to the queue with a message
    assert "报到不存在" in client.get("/staff/registrations").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).status == "pending"
    assert count(AuditEntry) == 0


def test_street_admin_filters_the_queue_by_community(world, page):
    a = pending(world)
    b = pending(world, member=f.MemberFactory(unit=world.unit1), community=world.comm2)
    client = page(world.street_admin)
    both = client.get("/staff/registrations").get_data(as_text=True)
    assert f"registration-{a.id}" in both and f"registration-{b.id}" in both
    one = client.get(f"/staff/registrations?community_id={world.comm2.id}").get_data(as_text=True)
    assert f"registration-{a.id}" not in one and f"registration-{b.id}" in one
    assert client.get(f"/staff/registrations?community_id={world.comm3.id}").status_code == 403


def test_queue_paginates(world, page):
    for _ in range(25):
        pending(world, member=f.MemberFactory(unit=world.unit1))
    client = page(world.staff1)
    first = client.get("/staff/registrations").get_data(as_text=True)
    second = client.get("/staff/registrations?page=2").get_data(as_text=True)
    assert first.count('data-testid="registration-') == 20 and "1 / 2" in first
    assert second.count('data-testid="registration-') == 5


@pytest.mark.parametrize("who,path,status", [
    ("member1", "/staff/registrations", 403), ("resident1", "/staff/registrations", 403),
    ("unit_admin1", "/staff/registrations", 403), ("staff1", "/me", 403), ("staff1", "/register", 403),
    ("admin", "/me/transfer", 403), ("staff1", "/staff/registrations?status=bogus", 200),
    ("member1", "/me", 200), ("newbie", "/register", 200),
])
def test_page_roles(world, page, who, path, status):
    assert page(getattr(world, who)).get(path).status_code == status


@pytest.mark.parametrize("who", ["member1", "unit_admin1", "resident1"])
def test_wrong_role_cannot_post_decisions(world, page, who):
    reg = pending(world)
    assert page(getattr(world, who)).post(f"/staff/registrations/{reg.id}/approve").status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).status == "pending"
