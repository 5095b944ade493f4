"""The dispatch board (派单台): filters as checked GET parameters, time left, inline dispatch to
the pool or a unit with a deadline choice and the next need's anchor, several needs to the
pool at once (service, page and POST /orders/dispatch), all or none, audited; roles."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.orders import services
from app.orders.board import time_left
from app.orders.models import Order, OrderStatus
from tests.conftest import count


def html(res) -> str:
    return res.get_data(as_text=True)


def test_filters_narrow_the_board(world, page, make_order):
    repair = make_order(title="修水龙头", category="维修服务", urgency="urgent", grid_id=world.grid1.id)
    elder = make_order(title="陪老人看病", category="关爱老人", urgency="low", grid_id=world.grid2.id,
                       address="仓边路 8 号")
    to_unit = make_order("dispatched_unit", title="清理楼道")
    staff = page(world.staff1)

    def shown(query: str) -> set[int]:
        body = html(staff.get("/staff/orders" + query))
        return {o.id for o in (repair, elder, to_unit) if f'id="order-{o.id}"' in body}

    assert shown("") == {repair.id, elder.id, to_unit.id}
    assert shown("?category=关爱老人") == {elder.id}
    assert shown("?urgency=urgent") == {repair.id}
    assert shown(f"?grid_id={world.grid2.id}") == {elder.id}
    assert shown(f"?unit_id={world.unit1.id}") == {to_unit.id}
    assert shown("?q=仓边路") == {elder.id}
    assert shown("?q=老人 看病") == {elder.id}
    assert shown("?q=100%") == set()
    assert shown("?status=submitted") == {repair.id, elder.id}
    body = html(staff.get("/staff/orders?category=关爱老人&page=1"))
    assert 'value="关爱老人" selected' in body  # the filter stays chosen


@pytest.mark.parametrize("query,field", [
    ("category=不存在", "category"), ("urgency=very", "urgency"), ("status=done", "status"),
    ("grid_id=abc", "grid_id"), ("unit_id=1.5", "unit_id"), ("q=" + "长" * 101, "q"),
    ("overdue=yes", "overdue")])
def test_a_bad_filter_is_a_400_naming_it(world, page, query, field):
    res = page(world.staff1).get("/staff/orders?" + query)
    assert res.status_code == 400
    assert field in html(res)


@pytest.mark.parametrize("who", ["member1", "resident1", "unit_admin1"])
def test_only_staff_see_the_board_or_dispatch_from_it(world, page, make_order, who):
    order = make_order()
    client = page(getattr(world, who))
    assert client.get("/staff/orders").status_code == 403
    res = client.post("/staff/orders/dispatch", data={"order_ids": [order.id]})
    assert res.status_code == 302  # a refused POST of a page: flashed, back (app/errors.py)
    assert db.session.get(Order, order.id).status == OrderStatus.SUBMITTED


def test_time_left_and_urgency_are_shown(world, page, make_order, now):
    urgent = make_order(title="急事", urgency="urgent")
    late = make_order(title="拖了", urgency="normal", at=now - timedelta(days=6))
    body = html(page(world.staff1).get("/staff/orders"))
    assert "还剩 1 小时" in body and "已超期 3 天" in body
    assert f'id="order-{urgent.id}" class="urg-urgent"' in body
    assert f'id="order-{late.id}" class="urg-normal"' in body
    order = db.session.get(Order, urgent.id)
    assert time_left(order, order.deadline - timedelta(minutes=20)) == ("还剩 20 分钟", "soon")
    assert time_left(order, order.deadline + timedelta(hours=5)) == ("已超期 5 小时", "late")
    assert time_left(order, order.deadline - timedelta(days=2, hours=1)) == ("还剩 2 天", "ok")


def test_inline_dispatch_to_the_pool_goes_on_to_the_next_need(world, page, make_order, now):
    first, second = make_order(title="第一条"), make_order(title="第二条")
    staff = page(world.staff1)
    board = html(staff.get("/staff/orders?status=submitted"))
    assert f'name="next_id" value="{second.id}"' in board
    res = staff.post("/staff/orders/dispatch", data={
        "order_ids": [first.id], "target": "pool", "within": "24", "next_id": second.id,
        "back": "/staff/orders?status=submitted"})
    assert res.status_code == 302
    assert res.headers["Location"].endswith(f"/staff/orders?status=submitted#order-{second.id}")
    order = db.session.get(Order, first.id)
    assert (order.status, order.to_pool, order.unit_id) == (OrderStatus.DISPATCHED, True, None)
    assert abs(order.deadline - (now + timedelta(hours=24))) < timedelta(minutes=2)
    assert db.session.get(Order, second.id).status == OrderStatus.SUBMITTED
    assert "已派出 1 条需求" in html(staff.get("/staff/orders?status=submitted"))
    assert count(AuditEntry, AuditEntry.action == "order.dispatch", AuditEntry.target_id == first.id) == 1


def test_inline_dispatch_to_a_unit_keeps_the_urgency_deadline(world, page, make_order):
    order = make_order(urgency="high")
    deadline = order.deadline
    board = html(page(world.staff1).get("/staff/orders"))
    assert f'value="unit:{world.unit1.id}"' in board  # units reported to comm1 are offered
    res = page(world.staff1).post("/staff/orders/dispatch", data={
        "order_ids": [order.id], "target": f"unit:{world.unit1.id}", "within": ""})
    assert res.status_code == 302
    order = db.session.get(Order, order.id)
    assert (order.status, order.unit_id, order.to_pool) == (OrderStatus.DISPATCHED, world.unit1.id, False)
    assert order.deadline == deadline


@pytest.mark.parametrize("data,message", [
    ({"target": "pool"}, "请先勾选要派出的需求"),
    ({"target": "somewhere"}, "派给：不是可选的值"),
    ({"target": "pool", "within": "5"}, "期限"),
    ({"target": "unit:{unit1}", "two": True}, "只能派往党员领单池"),
])
def test_a_bad_board_dispatch_writes_nothing(world, page, make_order, data, message):
    orders = [make_order(), make_order()]
    payload = {k: v.format(unit1=world.unit1.id) for k, v in data.items() if k != "two"}
    if "请先勾选" not in message:
        payload["order_ids"] = [o.id for o in orders] if data.get("two") else [orders[0].id]
    staff = page(world.staff1)
    res = staff.post("/staff/orders/dispatch", data=payload)
    assert res.status_code == 302
    assert message in html(staff.get("/staff/orders"))
    assert count(Order, Order.status == OrderStatus.SUBMITTED) == 2
    assert count(AuditEntry, AuditEntry.action.like("order.dispatch%")) == 0


def test_several_needs_go_to_the_pool_at_once(world, page, make_order):
    orders = [make_order(title=f"需求{i}") for i in range(4)]
    staff = page(world.staff1)
    res = staff.post("/staff/orders/dispatch", data={
        "order_ids": [o.id for o in orders[:3]], "target": "pool", "within": "72"})
    assert res.status_code == 302
    statuses = [db.session.get(Order, o.id).status for o in orders]
    assert statuses == [OrderStatus.DISPATCHED] * 3 + [OrderStatus.SUBMITTED]
    batch = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "order.dispatch_many")).one()
    assert batch.actor_id == world.staff1.id and batch.detail["order_ids"] == [o.id for o in orders[:3]]
    assert count(AuditEntry, AuditEntry.action == "order.dispatch") == 3


def test_bulk_dispatch_is_all_or_none(world, make_order):
    fresh, taken = make_order(), make_order("dispatched_pool")
    with pytest.raises(Conflict):
        services.dispatch_many(world.staff1, [fresh.id, taken.id])
    db.session.rollback()
    assert db.session.get(Order, fresh.id).status == OrderStatus.SUBMITTED
    with pytest.raises(NotFound):  # staff3 does not manage comm1
        services.dispatch_many(world.staff3, [fresh.id])
    with pytest.raises(Invalid) as empty:
        services.dispatch_many(world.staff1, [])
    assert empty.value.field == "order_ids"


def test_bulk_dispatch_api(world, api, make_order):
    orders = [make_order(), make_order()]
    ids = [o.id for o in orders]
    res = api(world.staff1).post("/orders/dispatch", {"order_ids": ids})
    assert res.status_code == 200, res.json
    assert res.json["total"] == 2
    assert {o["status"] for o in res.json["items"]} == {"dispatched"}
    assert all(o["to_pool"] for o in res.json["items"])
    again = api(world.staff1).post("/orders/dispatch", {"order_ids": ids})
    assert again.status_code == 409


@pytest.mark.parametrize("who,body,status,field", [
    ("staff1", {"order_ids": []}, 422, "order_ids"),
    ("staff1", {}, 422, "order_ids"),
    ("staff1", {"order_ids": ["x"]}, 422, "order_ids"),
    ("staff1", {"order_ids": [1], "deadline": "tomorrow"}, 422, "deadline"),
    ("staff3", None, 404, None),
    ("member1", None, 403, None),
    ("unit_admin1", None, 403, None),
])
def test_bulk_dispatch_api_refuses(world, api, make_order, who, body, status, field):
    order = make_order()
    payload = body if body is not None else {"order_ids": [order.id]}
    res = api(getattr(world, who)).post("/orders/dispatch", payload)
    assert res.status_code == status
    if field:
        assert field in res.json["errors"]
    assert db.session.get(Order, order.id).status == OrderStatus.SUBMITTED
    assert count(AuditEntry, AuditEntry.action.like("order.dispatch%")) == 0
