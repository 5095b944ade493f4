"""order_out() (the lists' hand-written dump, app/orders/schemas.py) gives exactly what the
documented OrderOut schema gives: every key and value, for orders in every state and for
viewers of every role (a field added to OrderOut but not to order_out fails here)."""
from __future__ import annotations

import pytest
from flask_login import login_user

from app.clock import utcnow
from app.extensions import db
from app.orders import services
from app.orders.models import Order
from app.orders.queries import timelines
from app.orders.schemas import OrderOut, order_out
from tests.orders.conftest import SETUPS

VIEWERS = ["staff1", "staff3", "street_admin", "unit_admin1", "unit_admin2", "member1", "member2",
           "member3", "resident1", "resident2", "admin", None]


def test_order_out_is_order_out_schema_dump(app, world, make_order):
    orders = [make_order(setup) for setup in SETUPS]
    released = make_order("claimed_pool", slots=2)
    services.release(world.member1, released.id, "临时有事")
    db.session.commit()
    ids = [o.id for o in orders] + [released.id]
    schema = OrderOut()
    compared = 0
    for name in VIEWERS:
        with app.test_request_context("/"):
            if name is not None:
                login_user(getattr(world, name))
            rows = timelines(ids)  # the API list's claims and events, read as rows
            for order in db.session.query(Order).filter(Order.id.in_(ids)):
                now = utcnow()
                dumped = schema.dump(order)
                assert order_out(order, now) == dumped, (name, order.status)
                assert order_out(order, now, rows[order.id]) == dumped, (name, order.status)
                compared += 1
    assert compared == len(VIEWERS) * len(ids)
    assert any(rows[i].claims for i in ids) and all(rows[i].events for i in ids)


@pytest.mark.parametrize("setup", ["claimed_unit", "completed"])
def test_the_list_answers_what_the_schema_dumps(world, api, make_order, setup):
    order = make_order(setup)
    res = api(world.staff1).get("/orders?status=" + str(order.status))
    assert res.status_code == 200
    item = next(i for i in res.json["items"] if i["id"] == order.id)
    with api(world.staff1).client.application.test_request_context("/"):
        login_user(world.staff1)
        assert item == OrderOut().dump(db.session.get(Order, order.id))
    assert set(res.json) == {"items", "total"}
