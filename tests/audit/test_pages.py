"""The audit page (/admin/audit): system admins see everything, street admins their place's
accounts, every other role 403; entries in words; paginated."""
import pytest

from app.audit.services import record
from app.extensions import db


def test_admin_sees_entries_in_words(world, page):
    record(world.staff1, "registration.approve", world.member1, {"member_id": world.member1.id})
    db.session.flush()
    res = page(world.admin).get("/admin/audit")
    assert res.status_code == 200 and "通过报到" in res.get_data(as_text=True)


def test_street_admin_sees_only_his_places_accounts(world, page):
    record(world.staff1, "points.adjust", None, {"reason": "在辖区内"})
    record(world.staff3, "points.adjust", None, {"reason": "在辖区外"})
    db.session.flush()
    text = page(world.street_admin).get("/admin/audit").get_data(as_text=True)
    assert "在辖区内" in text and "在辖区外" not in text


@pytest.mark.parametrize("role", ["staff1", "member1", "unit_admin1", "resident1"])
def test_other_roles_get_403(world, page, role):
    assert page(getattr(world, role)).get("/admin/audit").status_code == 403


def test_anonymous_is_sent_to_login(client):
    res = client.get("/admin/audit")
    assert res.status_code == 302 and "/login" in res.headers["Location"]


def test_pages_of_fifty(world, page):
    for n in range(51):
        record(world.admin, "points.adjust", None, {"reason": f"第{n}条"})
    db.session.flush()
    client = page(world.admin)
    first, second = client.get("/admin/audit"), client.get("/admin/audit?page=2")
    assert "第50条" in first.get_data(as_text=True) and "第0条" not in first.get_data(as_text=True)
    assert "第0条" in second.get_data(as_text=True)
