"""The workbench (工作台): the home of staff and admins, its to-do counts in their scope (one
statement, whatever the numbers), tiles linking to the filtered queues, the grouped menu,
the unread count a link to the inbox; other roles are refused."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.notifications.services import notify
from app.orders import services as orders
from app.registrations import services as registrations
from app.service import services as service
from app.workbench.services import to_do_counts
from tests import factories as f
from tests.sql import statements

NEED = {"title": "帮忙修门锁", "category": "维修服务", "description": "门锁坏了"}


def html(res) -> str:
    return res.get_data(as_text=True)


def arrange(w, now, extra: int = 0):
    """In comm1: a pending registration, submitted needs (one urgent and due within 2 hours,
    one past its deadline), a pending service record and suggestion, a completed need."""
    registrations.register(w.newbie, community_id=w.comm1.id, address="仓边路 1 号")
    for _ in range(1 + extra):
        orders.create_order(w.resident1, **NEED, now=now)
    orders.create_order(w.resident1, **NEED, urgency="urgent", now=now)
    orders.create_order(w.resident1, **NEED, now=now - timedelta(days=5))  # overdue
    done = orders.create_order(w.resident1, **NEED, now=now)
    orders.dispatch(w.staff1, done.id, to_pool=True, now=now)
    orders.claim(w.member1, done.id, now=now)
    orders.complete(w.member1, done.id, "修好了", now=now)
    service.create_record(w.member1, community_id=w.comm1.id, category="洁净家园",
                          started_at=now - timedelta(days=1), hours=2, description="清理楼道")
    service.create_suggestion(w.member1, community_id=w.comm1.id, title="加装路灯", body="巷口太暗")
    db.session.commit()


def test_counts_in_the_staffs_scope(world, now):
    arrange(world, now)
    assert to_do_counts(world.staff1, now=now) == {
        "registrations": 1, "submitted": 3, "due_soon": 1, "overdue": 1, "records": 1,
        "suggestions": 1, "to_rate": 1}
    assert to_do_counts(world.street_admin, now=now)["submitted"] == 3  # comm1 is in street1
    assert set(to_do_counts(world.staff3, now=now).values()) == {0}  # comm3: nothing of comm1
    assert to_do_counts(world.admin, now=now)["registrations"] == 1


@pytest.mark.parametrize("who", ["staff1", "street_admin", "admin"])
def test_staff_and_admins_land_on_the_workbench(world, page, who):
    client = page(getattr(world, who))
    assert client.get("/").headers["Location"].endswith("/workbench")
    assert client.get("/workbench").status_code == 200


def test_tiles_link_to_the_filtered_queues(world, page, now):
    arrange(world, now)
    body = html(page(world.staff1).get("/workbench"))
    tiles = dict(re.findall(r'href="([^"]+)" data-testid="tile-(\w+)"', body))
    links = {key: url for url, key in tiles.items()}
    assert links["submitted"] == "/staff/orders?status=submitted"
    assert links["overdue"] == "/staff/orders?status=open&amp;overdue=1"
    assert links["due_soon"] == "/staff/orders?status=open&amp;due_soon=1"
    assert links["registrations"] == "/staff/registrations?status=pending"
    assert links["suggestions"] == "/staff/verify#suggestions"
    assert links["to_rate"] == "/staff/orders?status=completed"
    assert re.search(r'data-testid="tile-submitted"><b>3</b>待派单', body)
    assert re.search(r'data-testid="tile-overdue"><b>1</b>已超期', body)
    for key in ("submitted", "overdue", "due_soon", "to_rate"):
        assert page(world.staff1).get(links[key].replace("&amp;", "&")).status_code == 200
    due = html(page(world.staff1).get("/staff/orders?status=open&due_soon=1"))
    assert body.count("tile ") == 7 and "还剩 1 小时" in due


def test_the_menu_is_grouped(world, page):
    body = html(page(world.staff1).get("/workbench"))
    groups = re.findall(r"<h3>([^<]+)</h3>", body)
    assert groups[:3] == ["日常办理", "党员与单位", "积分、评议与统计"]
    assert body.index("派单台") > body.index("日常办理")
    client = page(world.staff1)
    client.get("/lang/en")
    english = html(client.get("/workbench"))
    assert "日常办理" not in english


def test_the_unread_count_is_a_link_to_the_inbox(world, page):
    notify([world.staff1.id], kind="order", title="新需求", body="有一条新需求")
    db.session.commit()
    body = html(page(world.staff1).get("/workbench"))
    assert re.search(r'<a class="badge" href="/notifications"[^>]*>1</a>', body)


def test_counts_take_one_statement_whatever_the_numbers(world, page, now):
    client = page(world.staff1)
    arrange(world, now)
    small = statements(client, "/workbench")
    more = f.member_in(world.comm2)
    registrations.register(f.MemberFactory(unit=world.unit1), community_id=world.comm1.id, address="x")
    for _ in range(5):
        orders.create_order(world.resident1, **NEED, now=now)
    service.create_suggestion(world.member1, community_id=world.comm1.id, title="再加路灯", body="还暗")
    assert more and statements(client, "/workbench") == small


@pytest.mark.parametrize("who", ["member1", "resident1", "unit_admin1"])
def test_other_roles_are_refused(world, page, who):
    assert page(getattr(world, who)).get("/workbench").status_code == 403
