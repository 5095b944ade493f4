"""Residents: sign-up by phone with the code; staff file a need for a walk-in resident."""
import re
from datetime import timedelta

import sqlalchemy as sa

from app.auth import sms
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.orders.models import Order
from app.residents.models import ResidentProfile
from tests.conftest import count, settle


def _code(phone):
    code = sms.issue_code(phone, "127.0.0.1")[1]
    settle()
    return code


def test_signup_by_phone_then_sign_in_with_a_new_code(world, api):
    code = _code("13912345678")
    body = {"phone": "139 1234 5678", "code": code, "name": "何婆婆", "community_id": world.comm1.id,
            "grid_id": world.grid2.id, "address": "仓边路5号"}
    res = api().post("/residents/signup", body)
    assert res.status_code == 201, res.json
    user = db.session.get(User, res.json["id"])
    assert (user.role, user.place_id, user.phone) == ("resident", world.grid2.id, "13912345678")
    assert db.session.get(ResidentProfile, user.id).address == "仓边路5号"
    assert not user.check_password("")
    assert api().post("/residents/signup", body).status_code == 422  # the code is spent
    code = sms.issue_code("13912345678", "127.0.0.2", now=utcnow() + timedelta(minutes=2))[1]
    settle()
    # a phone with an account signs in instead of signing up again
    assert api().post("/residents/signup", {**body, "code": code}).status_code == 409


def test_signup_bad_input_writes_nothing(world, api):
    users = count(User)
    base = {"phone": "13912345678", "code": "123456", "name": "何婆婆", "community_id": world.comm1.id,
            "address": "路1号"}
    assert api().post("/residents/signup", base).json["errors"].keys() == {"code"}
    code = _code("13912345678")
    res = api().post("/residents/signup", {**base, "code": code, "grid_id": world.grid3.id})
    assert res.status_code == 422 and "grid_id" in res.json["errors"]
    res = api().post("/residents/signup", {**base, "code": code, "community_id": world.street1.id})
    assert res.status_code == 422 and "community_id" in res.json["errors"]
    assert count(User) == users


def test_signup_page(world, page):
    client = page()
    res = client.post("/login/phone/code?back=/residents/signup", data={"phone": "13912345678"},
                      follow_redirects=True)
    html = res.get_data(as_text=True)
    code = re.search(r"验证码为 (\d{6})", html).group(1)
    assert 'value="13912345678"' in html
    res = client.post("/residents/signup", data={"phone": "13912345678", "code": code, "name": "郑伯",
                                                 "community_id": world.comm3.id, "grid_id": 0,
                                                 "address": "光孝路1号"})
    assert res.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.phone == "13912345678"))
    assert (user.role, user.place_id) == ("resident", world.comm3.id)


def test_staff_file_a_need_for_a_walk_in_resident(world, api):
    client = api(world.staff1)
    order = {"title": "修水管", "category": "维修服务", "community_id": world.comm1.id,
             "resident": {"name": "王大爷", "phone": "+86 137-1234-5678"}}
    res = client.post("/orders", order)
    assert res.status_code == 201, res.json
    resident = db.session.scalar(sa.select(User).where(User.phone == "13712345678"))
    assert (resident.role, resident.name, resident.place_id) == ("resident", "王大爷", world.comm1.id)
    assert res.json["resident_id"] == resident.id
    # the same phone again: the same resident
    res = client.post("/orders", {**order, "title": "换灯泡"})
    assert res.status_code == 201 and res.json["resident_id"] == resident.id
    assert count(User, User.phone == "13712345678") == 1
    # he follows his orders after signing in by phone
    code = _code("13712345678")
    token = api().post("/auth/token", {"phone": "13712345678", "code": code}).json["token"]
    mine = client.client.get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}).json
    assert {o["title"] for o in mine["items"]} == {"修水管", "换灯泡"}


def test_walk_in_refusals(world, api):
    orders = count(Order)
    base = {"title": "修水管", "category": "维修服务", "community_id": world.comm1.id}
    res = api(world.staff3).post("/orders", {**base, "resident": {"name": "王", "phone": "13712345678"}})
    assert res.status_code in (403, 404)
    res = api(world.staff1).post("/orders", {**base, "resident": {"name": "王", "phone": "12"}})
    assert res.status_code == 422 and "resident" in res.json["errors"]
    taken = {"name": "王", "phone": world.member1.phone}
    res = api(world.staff1).post("/orders", {**base, "resident": taken})
    assert res.status_code == 422 and "resident" in res.json["errors"]
    res = api(world.resident1).post("/orders", {**base, "resident": {"name": "王", "phone": "13712345678"}})
    assert res.status_code == 403
    assert count(Order) == orders and count(User, User.phone == "13712345678") == 0
