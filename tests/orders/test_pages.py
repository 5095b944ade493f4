"""Order pages: the resident's form and list, staff filing for a resident, the dispatch board
(overdue first, filter, counts), the unit inbox, the member's open orders, the detail page
with the viewer's actions, rating and candidates; role checks and constant queries."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.orders.models import Order, OrderClaim, OrderInvitation
from tests import factories as f
from tests.conftest import count
from tests.sql import statements


def html(res) -> str:
    return res.get_data(as_text=True)


def test_a_resident_lands_on_his_orders_and_files_one(world, page):
    resident = page(world.resident1)
    assert resident.get("/").headers["Location"].endswith("/resident/orders")
    home = html(resident.get("/resident/orders"))
    assert "我要求助" in home and "您还没有提过需求" in home
    form = html(resident.get("/orders/new"))
    assert 'class="card big"' in form and world.resident1.phone in form  # large text, his phone
    assert "为哪位居民点单" not in form
    res = resident.post("/orders/new", data={"title": "帮忙换灯泡", "category": "维修服务",
                                             "urgency": "high", "description": "客厅灯坏了"})
    assert res.status_code == 302
    order = db.session.scalars(sa.select(Order)).one()
    assert (order.title, order.urgency, order.resident_id, order.slots) == (
        "帮忙换灯泡", "high", world.resident1.id, 1)
    assert res.headers["Location"].endswith(f"/orders/{order.id}")
    detail = html(resident.get(f"/orders/{order.id}"))
    assert "帮忙换灯泡" in detail and "已提交，等社区受理" in detail and "取消这个需求" in detail
    assert 'data-testid="steps"' in detail
    for jargon in ("党员领单池", "领单 ", "派往", "待派单"):  # staff words, not the resident's
        assert jargon not in detail
    assert "帮忙换灯泡" in html(resident.get("/resident/orders"))


def test_the_form_shows_errors_and_writes_nothing(world, page):
    resident = page(world.resident1)
    res = resident.post("/orders/new", data={"title": "", "category": "维修服务", "urgency": "x"})
    assert res.status_code == 422
    assert 'class="field has-error"' in html(res)
    assert count(Order) == 0


def test_staff_file_for_a_resident_of_their_community(world, page):
    staff = page(world.staff1)
    form = html(staff.get("/orders/new"))
    assert "为哪位居民点单" in form and world.resident1.name in form
    assert world.resident2.name not in form  # another community's
    res = staff.post("/orders/new", data={"resident_id": world.resident1.id, "title": "代购药品",
                                          "category": "关爱老人", "urgency": "normal", "slots": 2})
    assert res.status_code == 302
    order = db.session.scalars(sa.select(Order)).one()
    assert (order.resident_id, order.created_by_id, order.slots) == (world.resident1.id,
                                                                     world.staff1.id, 2)
    res = staff.post("/orders/new", data={"resident_id": world.resident2.id, "title": "x",
                                          "category": "其他", "urgency": "normal"})
    assert res.status_code == 422 and count(Order) == 1  # not a valid choice
    res = staff.post("/orders/new", data={"resident_id": 0, "title": "x", "category": "其他",
                                          "urgency": "normal"})  # nobody chosen: the first line
    assert res.status_code == 422 and "请选择代为点单的居民" in html(res) and count(Order) == 1


@pytest.mark.parametrize("path,allowed", [
    ("/resident/orders", {"resident1"}), ("/orders/new", {"resident1", "staff1", "street_admin"}),
    ("/staff/orders", {"staff1", "street_admin"}), ("/unit/orders", {"unit_admin1"}),
    ("/orders/open", {"member1"}),
])
def test_pages_by_role(world, page, path, allowed):
    for who in ("resident1", "staff1", "street_admin", "unit_admin1", "member1"):
        res = page(getattr(world, who)).get(path)
        assert res.status_code == (200 if who in allowed else 403), (who, path)


def test_nav_entries_per_role(world, page):
    assert "/resident/orders" in html(page(world.resident1).get("/resident/orders"))
    assert 'href="/staff/orders"' in html(page(world.staff1).get("/staff/orders"))
    assert 'href="/unit/orders"' in html(page(world.unit_admin1).get("/unit/orders"))
    assert 'href="/orders/open"' in html(page(world.member1).get("/orders/open"))
    assert 'href="/staff/orders"' not in html(page(world.member1).get("/orders/open"))


def test_the_board_puts_overdue_first_filters_and_counts(world, page, make_order, now):
    fresh = make_order("dispatched_pool", title="新的需求")
    late = make_order("dispatched_pool", title="超期的需求", at=now - timedelta(days=4))
    done = make_order("closed", title="办结的需求")
    staff = page(world.staff1)
    board = html(staff.get("/staff/orders"))
    assert board.index(f'data-testid="order-{late.id}"') < board.index(f'data-testid="order-{fresh.id}"')
    assert f'data-testid="order-{done.id}"' not in board
    assert "已超期 (1)" in board and "待办 (2)" in board and "待评价 (0)" in board
    assert "已办结 (" not in board  # finished orders are not counted (they pile up)
    only_late = html(staff.get("/staff/orders?overdue=1"))
    assert f"order-{late.id}" in only_late and f"order-{fresh.id}" not in only_late
    assert f"order-{done.id}" in html(staff.get("/staff/orders?status=closed"))
    assert f"order-{late.id}" not in html(page(world.staff3).get("/staff/orders"))
    street = html(page(world.street_admin).get(f"/staff/orders?community_id={world.comm1.id}"))
    assert "全部社区" in street and f"order-{late.id}" in street


def test_dispatch_from_the_detail_page(world, page, make_order):
    order = make_order()
    staff = page(world.staff1)
    detail = html(staff.get(f"/orders/{order.id}"))
    assert 'data-testid="form-dispatch"' in detail and world.unit1.name in detail
    assert world.resident1.phone in detail  # staff of the community see the phone
    res = staff.post(f"/orders/{order.id}/dispatch", data={"target": f"unit:{world.unit1.id}",
                                                          "note": "请尽快"})
    assert res.status_code == 302
    order = db.session.get(Order, order.id)
    assert (order.status, order.unit_id) == ("dispatched", world.unit1.id)
    assert "派往区税务局：请尽快" in html(staff.get(f"/orders/{order.id}"))


def test_a_wrong_state_or_scope_on_a_page_is_flashed_not_done(world, page, make_order):
    order = make_order("closed")
    staff = page(world.staff1)
    res = staff.post(f"/orders/{order.id}/cancel", data={"reason": "x"},
                     headers={"Referer": f"/orders/{order.id}"})
    assert res.status_code == 302
    assert "不能取消" in html(staff.get(f"/orders/{order.id}"))
    assert db.session.get(Order, order.id).status == "closed"
    assert page(world.staff3).get(f"/orders/{order.id}").status_code == 404
    assert page(world.staff1).post(f"/orders/{order.id}/fly", data={}).status_code == 404


def test_the_unit_inbox_accepts_and_declines(world, page, make_order):
    first, second = make_order("dispatched_unit"), make_order("dispatched_unit", title="第二单")
    unit = page(world.unit_admin1)
    inbox = html(unit.get("/unit/orders"))
    assert f'data-testid="accept-{first.id}"' in inbox and "第二单" in inbox
    assert world.resident1.phone not in inbox
    unit.post(f"/orders/{first.id}/accept", data={})
    res = unit.post(f"/orders/{second.id}/decline", data={"reason": "人手不足"})
    assert res.headers["Location"].endswith("/unit/orders")
    assert db.session.get(Order, first.id).status == "accepted"
    assert db.session.get(Order, second.id).status == "submitted"
    page(world.member1).post(f"/orders/{first.id}/claim", data={})
    accepted = html(unit.get("/unit/orders?status=claimed"))
    assert "领单党员" in accepted and world.member1.name in accepted
    unit_detail = html(unit.get(f"/orders/{first.id}"))
    assert world.resident1.phone not in unit_detail and "138****" in unit_detail


def test_members_see_orders_near_them_first_and_claim(world, page, make_order):
    far = make_order("dispatched_pool", title="别的网格", grid_id=world.grid2.id)
    near = make_order("dispatched_pool", title="我的网格", grid_id=world.grid1.id)
    unit_order = make_order("accepted_unit", title="单位的单")
    member = page(world.member1)
    listing = html(member.get("/orders/open"))
    assert listing.index(f"order-{near.id}") < listing.index(f"order-{far.id}")
    assert "同网格" in listing and f"order-{unit_order.id}" in listing
    assert f"order-{unit_order.id}" not in html(page(world.member2).get("/orders/open"))
    res = member.post(f"/orders/{near.id}/claim", data={}, headers={"Referer": "/orders/open"})
    assert res.status_code == 302
    assert count(OrderClaim, OrderClaim.member_id == world.member1.id) == 1
    assert f"order-{near.id}" not in html(member.get("/orders/open"))
    assert f"order-{near.id}" in html(member.get("/orders/open?mine=1"))
    detail = html(member.get(f"/orders/{near.id}"))
    assert 'data-testid="form-complete"' in detail and "放弃领单" in detail
    assert world.resident1.phone in detail  # an active claimer sees the phone


def test_complete_and_rate_on_the_detail_page(world, page, make_order):
    order = make_order("claimed_unit")
    page(world.member1).post(f"/orders/{order.id}/complete", data={"note": "已换新龙头"})
    resident = page(world.resident1)
    detail = html(resident.get(f"/orders/{order.id}"))
    assert 'data-testid="form-rate"' in detail and "重新打开" in detail
    resident.post(f"/orders/{order.id}/rate", data={"score": "4", "comment": "满意"})
    detail = html(resident.get(f"/orders/{order.id}"))
    assert 'data-testid="score">4<' in detail and "已评价" in detail
    assert 'data-testid="form-rate"' not in detail
    detail = html(page(world.staff1).get(f"/orders/{order.id}"))
    timeline = detail[detail.index('data-testid="timeline"'):]
    for label in ("点单", "派单", "接单", "领单", "完成", "评价"):
        assert label in timeline
    assert 'data-testid="form-rate"' not in detail


def test_rating_without_a_score_is_refused(world, page, make_order):
    order = make_order("completed")
    page(world.resident1).post(f"/orders/{order.id}/rate", data={"comment": "?"})
    assert db.session.get(Order, order.id).status == "completed"


def test_candidates_page_and_invite(world, page, make_order):
    order = make_order("dispatched_pool", grid_id=world.grid1.id)
    staff = page(world.staff1)
    detail = html(staff.get(f"/orders/{order.id}"))
    assert 'data-testid="candidates-link"' in detail
    listing = html(staff.get(f"/orders/{order.id}/candidates"))
    assert f'data-testid="candidate-{world.member1.id}"' in listing and "同一网格" in listing
    staff.post(f"/orders/{order.id}/invite", data={"member_id": world.member1.id})
    assert count(OrderInvitation) == 1
    assert "已邀请" in html(staff.get(f"/orders/{order.id}/candidates"))
    assert page(world.member1).get(f"/orders/{order.id}/candidates").status_code == 403
    assert page(world.staff3).get(f"/orders/{order.id}/candidates").status_code == 404


@pytest.mark.parametrize("who,path", [
    ("staff1", "/staff/orders"), ("staff1", "/staff/orders?status=closed"),
    ("unit_admin1", "/unit/orders?status=claimed"), ("member1", "/orders/open"),
    ("member1", "/orders/open?mine=1"), ("resident1", "/resident/orders")])
def test_list_pages_use_a_constant_number_of_queries(world, page, make_order, who, path):
    client = page(getattr(world, who))
    for setup in ("claimed_unit", "dispatched_pool", "closed"):
        make_order(setup)
    small = statements(client, path)
    for setup in ("claimed_unit", "dispatched_pool", "closed", "accepted_unit") * 3:
        make_order(setup, grid_id=world.grid1.id)
    f.member_in(world.comm1)
    assert statements(client, path) == small


def test_finished_orders_page_without_counting_them(world, page, make_order, monkeypatch):
    from app.orders import board

    monkeypatch.setattr(board, "PAGE_SIZE", 2)
    ids = [make_order("closed").id for _ in range(3)]
    staff = page(world.staff1)
    first = html(staff.get("/staff/orders?status=closed"))
    assert "下一页" in first and "上一页" not in first and " / " not in first
    second = html(staff.get("/staff/orders?status=closed&page=2"))
    assert "上一页" in second and "下一页" not in second
    shown = [i for i in ids if f"order-{i}" in first + second]
    assert sorted(shown) == sorted(ids)
    open_tab = html(staff.get("/staff/orders"))  # counted tabs keep the numbered pager
    assert "下一页" not in open_tab


def test_a_claim_lands_on_the_order_with_its_phone_address_map_and_next_step(world, page, make_order,
                                                                             settings):
    settings(MAP_URL_TEMPLATE="https://maps.example/?q={address}")
    order = make_order("dispatched_pool", address="仓边路8号", contact_phone="+86 139-1234-5678")
    assert order.contact_phone == "13912345678"  # normalised
    member = page(world.member1)
    res = member.post(f"/orders/{order.id}/claim", headers={"Referer": "/orders/open"})
    assert res.status_code == 302 and res.headers["Location"].endswith(f"/orders/{order.id}")
    detail = html(member.get(f"/orders/{order.id}"))
    assert 'href="tel:13912345678"' in detail
    assert 'href="https://maps.example/?q=%E4%BB%93%E8%BE%B9%E8%B7%AF8%E5%8F%B7"' in detail
    assert "下一步：完成并填写说明" in detail
    other = html(page(world.member2).get(f"/orders/{order.id}"))
    assert "tel:" not in other  # a member who did not claim it sees the masked number


def test_a_contact_phone_that_is_not_a_mobile_number_is_refused(world, page, api):
    res = page(world.resident1).post("/orders/new", data={
        "title": "修水管", "category": "维修服务", "urgency": "normal", "contact_phone": "12ab"})
    assert res.status_code == 422 and 'data-testid="error-contact_phone"' in html(res)
    res = api(world.resident1).post("/orders", {"title": "修水管", "category": "维修服务",
                                                "contact_phone": "12ab"})
    assert res.status_code == 422 and "contact_phone" in res.json["errors"]
    assert count(Order) == 0
