"""Order services: deadlines, slots and claims, points and the checklist on closing (once),
reopening, releasing, cancelling, declining, notifications, audit, candidates and invitations
(claims racing: test_races.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.clock import year_of
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.notifications.models import Notification
from app.orders import candidates as matching
from app.orders import services
from app.orders.models import Order, OrderClaim, OrderEvent, OrderInvitation
from app.points.models import ChecklistEvidence, LedgerEntry
from app.points.services import total_for
from app.registrations.models import Registration
from tests import factories as f
from tests.conftest import count
from tests.orders.conftest import ORDER
from tests.sql import counting_statements


def points(member) -> dict[str, int]:
    rows = db.session.execute(sa.select(LedgerEntry.rule_key, sa.func.sum(LedgerEntry.points))
                              .where(LedgerEntry.member_id == member.id)
                              .group_by(LedgerEntry.rule_key)).all()
    return dict(rows)


def solved(member) -> int:
    return count(ChecklistEvidence, ChecklistEvidence.member_id == member.id,
                 ChecklistEvidence.item_key == "solve_problem")


def notes(user, kind=None) -> list[Notification]:
    where = [Notification.user_id == user.id] + ([Notification.kind == kind] if kind else [])
    return db.session.scalars(sa.select(Notification).where(*where).order_by(Notification.id)).all()


# ---- placing and dispatching ---------------------------------------------------------------

def test_deadline_comes_from_urgency_and_dispatch_may_set_another(world, make_order, now, app):
    for urgency, hours in app.config["ORDER_DEADLINE_HOURS"].items():
        order = make_order(urgency=urgency)
        assert order.deadline == now + timedelta(hours=hours)
        assert order.status == "submitted" and order.grid_id is None
    order = make_order()
    chosen = now + timedelta(days=5)
    services.dispatch(world.staff1, order.id, to_pool=True, deadline=chosen, now=now)
    assert db.session.get(Order, order.id).deadline == chosen


@pytest.mark.parametrize("fields,field", [
    ({"title": "  "}, "title"), ({"category": ""}, "category"), ({"urgency": "asap"}, "urgency"),
    ({"slots": 0}, "slots"), ({"slots": 21}, "slots"), ({"title": "长" * 101}, "title"),
    ({"community_id": "comm3"}, "community_id"), ({"grid_id": "grid3"}, "grid_id"),
    ({"resident_id": "resident2"}, "resident_id"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, fields, field):
    values = {**ORDER}
    for key, value in fields.items():
        values[key] = getattr(world, value).id if isinstance(value, str) and hasattr(world, value) else value
    with pytest.raises(Invalid) as err:
        services.create_order(world.resident1, **values)
    assert err.value.field == field
    db.session.rollback()
    assert count(Order) == 0 and count(OrderEvent) == 0 and count(Notification) == 0


def test_staff_file_for_a_resident_of_their_community_only(world):
    with pytest.raises(Invalid) as err:
        services.create_order(world.staff1, community_id=world.comm1.id, **ORDER)
    assert err.value.field == "resident_id"
    with pytest.raises(Invalid):
        services.create_order(world.staff1, community_id=world.comm1.id,
                              resident_id=world.resident2.id, **ORDER)
    with pytest.raises(Forbidden):
        services.create_order(world.staff3, community_id=world.comm1.id,
                              resident_id=world.resident1.id, **ORDER)
    with pytest.raises(Forbidden):
        services.create_order(world.member1, community_id=world.comm1.id, **ORDER)
    order = services.create_order(world.staff1, community_id=world.comm1.id,
                                  resident_id=world.resident1.id, **ORDER)
    assert (order.resident_id, order.created_by_id) == (world.resident1.id, world.staff1.id)
    assert order.contact_phone == world.resident1.phone
    assert order.events[0].note == f"代{world.resident1.name}点单"
    assert count(AuditEntry, AuditEntry.action == "order.create") == 1
    # the resident hears that staff filed it for him; staff1 (the only staff) did it himself
    assert [n.title for n in notes(world.resident1)] == [f"您的点单「{ORDER['title']}」待派单"]
    assert count(Notification, Notification.kind == "order_submit") == 0


def test_a_residents_grid_becomes_the_orders_grid(world):
    resident = f.UserFactory(role="resident", place_id=world.grid2.id)
    order = services.create_order(resident, **ORDER)
    assert (order.community_id, order.grid_id) == (world.comm1.id, world.grid2.id)
    assert [n.user_id for n in notes(world.staff1, "order_submit")] == [world.staff1.id]


@pytest.mark.parametrize("data,field", [
    ({}, "unit_id"), ({"unit_id": 1, "to_pool": True}, "unit_id"), ({"unit_id": "unit3"}, "unit_id"),
    ({"unit_id": 999999}, "unit_id"), ({"to_pool": True, "deadline": -1}, "deadline"),
    ({"to_pool": True, "deadline": 61 * 24}, "deadline"),
])
def test_dispatch_needs_one_target_a_reported_unit_and_a_future_deadline(world, make_order, now,
                                                                         data, field):
    order = make_order()
    data = dict(data)
    if data.get("unit_id") == "unit3":
        data["unit_id"] = f.UnitFactory(name="未报到的单位").id
    if "deadline" in data:
        data["deadline"] = now + timedelta(hours=data["deadline"])
    with pytest.raises(Invalid) as err:
        services.dispatch(world.staff1, order.id, now=now, **data)
    assert err.value.field == field
    db.session.rollback()
    assert db.session.get(Order, order.id).status == "submitted"
    assert count(OrderEvent, OrderEvent.order_id == order.id) == 1


def test_unknown_or_huge_ids_are_404(world):
    for order_id in (0, 999999, 2**40):
        with pytest.raises(NotFound):
            services.visible_order(world.staff1, order_id)
        with pytest.raises(NotFound):
            services.claim(world.member1, order_id)


# ---- claims ------------------------------------------------------------------------------------

def test_slots_fill_one_by_one_and_a_retry_takes_no_second_slot(world, make_order, now):
    order = make_order("dispatched_pool", slots=2)
    services.claim(world.member1, order.id, now=now)
    db.session.commit()
    assert db.session.get(Order, order.id).status == "dispatched"  # one slot still free
    with pytest.raises(Conflict):
        services.claim(world.member1, order.id, now=now)
    db.session.rollback()
    services.claim(world.member2, order.id, now=now)
    db.session.commit()
    order = db.session.get(Order, order.id)
    assert (order.status, order.claimed_count, order.claimed_at) == ("claimed", 2, now)
    third = f.member_in(world.comm1)
    with pytest.raises(Conflict):
        services.claim(third, order.id, now=now)
    db.session.rollback()
    assert count(OrderClaim, OrderClaim.order_id == order.id) == 2


def test_releasing_frees_the_slot_and_costs_points_once_per_claim(world, make_order, now):
    order = make_order("dispatched_pool", slots=2)
    services.claim(world.member1, order.id, now=now)
    services.claim(world.member2, order.id, now=now)
    services.release(world.member2, order.id, "临时出差", now=now)
    order = db.session.get(Order, order.id)
    assert (order.status, order.claimed_count, order.claimed_at) == ("dispatched", 1, None)
    claim = db.session.scalars(sa.select(OrderClaim).where(OrderClaim.member_id == world.member2.id)).one()
    assert claim.abandoned and claim.released_at == now and claim.release_reason == "临时出差"
    assert points(world.member2) == {"claim_abandoned": -5}
    # while the order is only partly taken, releasing leaves it dispatched
    services.release(world.member1, order.id, now=now)
    assert db.session.get(Order, order.id).status == "dispatched"
    # claiming again is a new claim; abandoning it again costs again
    services.claim(world.member2, order.id, now=now)
    services.release(world.member2, order.id, now=now)
    assert points(world.member2) == {"claim_abandoned": -10}
    ledger = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.member_id == world.member2.id)).all()
    assert {e.source_type for e in ledger} == {"order_claim"}  # not "order": abandoning is no service
    assert [n.kind for n in notes(world.staff1)].count("order_release") == 3


def test_release_of_a_full_unit_order_reopens_it_for_the_unit(world, make_order, now):
    order = make_order("claimed_unit")
    services.release(world.member1, order.id, now=now)
    assert db.session.get(Order, order.id).status == "accepted"
    services.claim(world.member3, order.id, now=now)
    assert db.session.get(Order, order.id).status == "claimed"
    assert [n.title for n in notes(world.resident1, "order_status")][-2:] == [
        f"您的点单「{ORDER['title']}」单位已接单", f"您的点单「{ORDER['title']}」已领单"]


# ---- closing, points, the checklist -----------------------------------------------------------

@pytest.mark.parametrize("score,paid", [(5, {"order_completed": 10, "order_good_rating": 5}),
                                        (4, {"order_completed": 10, "order_good_rating": 5}),
                                        (3, {"order_completed": 10}), (1, {"order_completed": 10})])
def test_closing_pays_each_remaining_claimer_once_and_ticks_the_checklist(world, make_order, now,
                                                                         score, paid):
    order = make_order("dispatched_pool", slots=2)
    quitter = f.member_in(world.comm1)
    services.claim(world.member1, order.id, now=now)
    services.claim(quitter, order.id, now=now)
    services.release(quitter, order.id, now=now)
    services.claim(world.member2, order.id, now=now)
    services.complete(world.member2, order.id, "陪同就医完成", now=now)
    services.rate(world.resident1, order.id, score, "谢谢", now=now)
    db.session.commit()
    assert points(world.member1) == paid and points(world.member2) == paid
    assert points(quitter) == {"claim_abandoned": -5}
    assert solved(world.member1) == solved(world.member2) == 1 and solved(quitter) == 0
    assert total_for(world.member1.id, year_of(now)) == sum(paid.values())
    # rating again: 409, nothing paid twice
    with pytest.raises(Conflict):
        services.rate(world.staff1, order.id, 5, now=now)
    db.session.rollback()
    assert points(world.member1) == paid and solved(world.member1) == 1
    order = db.session.get(Order, order.id)
    assert (order.status, order.score, order.rated_by_id, order.closed_at) == (
        "closed", score, world.resident1.id, now)
    assert [n.kind for n in notes(world.member1)][-1] == "order_rate"


def test_staff_may_rate_for_the_resident_and_it_is_audited(world, make_order, now):
    order = make_order("completed")
    services.rate(world.staff1, order.id, 4, now=now)
    assert db.session.get(Order, order.id).rated_by_id == world.staff1.id
    assert count(AuditEntry, AuditEntry.action == "order.rate", AuditEntry.target_id == order.id) == 1
    assert notes(world.resident1, "order_status")[-1].title.endswith("已办结")


def test_reopen_within_seven_days_goes_back_to_the_same_claimers_and_pays_only_on_close(
        world, make_order, now):
    order = make_order("completed", at=now - timedelta(days=6, hours=23))
    old_deadline = order.deadline
    services.reopen(world.resident1, order.id, "水龙头又漏了", now=now)
    order = db.session.get(Order, order.id)
    assert (order.status, order.reopen_count, order.completed_at, order.reason) == (
        "claimed", 1, None, "水龙头又漏了")
    assert order.deadline == max(old_deadline, now + timedelta(hours=72))
    assert [c.member_id for c in order.active_claims] == [world.member1.id]
    assert points(world.member1) == {} and solved(world.member1) == 0
    assert notes(world.member1, "order_reopen")[-1].body.startswith("水龙头又漏了")
    assert [n.user_id for n in notes(world.staff1, "order_reopen")] == [world.staff1.id]
    services.complete(world.member1, order.id, "换了新的阀门", now=now + timedelta(hours=1))
    services.rate(world.resident1, order.id, 5, now=now + timedelta(hours=2))
    assert points(world.member1) == {"order_completed": 10, "order_good_rating": 5}


def test_reopen_after_seven_days_is_409(world, make_order, now):
    order = make_order("completed", at=now - timedelta(days=7, minutes=1))
    with pytest.raises(Conflict):
        services.reopen(world.resident1, order.id, "还是不行", now=now)
    db.session.rollback()
    assert db.session.get(Order, order.id).status == "completed"


def test_cancel_ends_claims_without_penalty_and_tells_the_claimers_and_the_unit(world, make_order,
                                                                               now):
    order = make_order("claimed_unit")
    services.cancel(world.staff1, order.id, "居民已搬走", now=now)
    order = db.session.get(Order, order.id)
    assert (order.status, order.claimed_count, order.reason) == ("cancelled", 0, "居民已搬走")
    claim = db.session.scalars(sa.select(OrderClaim).where(OrderClaim.order_id == order.id)).one()
    assert claim.released_at == now and not claim.abandoned
    assert points(world.member1) == {}
    assert notes(world.member1, "order_cancel")[-1].body.startswith("居民已搬走")
    assert len(notes(world.unit_admin1, "order_cancel")) == 1
    assert notes(world.resident1, "order_status")[-1].title.endswith("已取消")
    assert count(AuditEntry, AuditEntry.action == "order.cancel") == 1


def test_a_unit_declines_and_the_community_dispatches_again(world, make_order, now):
    order = make_order("dispatched_unit")
    services.decline(world.unit_admin1, order.id, "本周人手不足", now=now)
    order = db.session.get(Order, order.id)
    assert (order.status, order.unit_id, order.dispatched_at, order.reason) == (
        "submitted", None, None, "本周人手不足")
    assert len(notes(world.staff1, "order_decline")) == 1
    with pytest.raises(NotFound):  # no longer the unit's
        services.visible_order(world.unit_admin1, order.id)
    services.dispatch(world.staff1, order.id, unit_id=world.unit2.id, now=now)
    services.accept(world.unit_admin2, order.id, now=now)
    assert db.session.get(Order, order.id).status == "accepted"
    actions = [e.action for e in db.session.get(Order, order.id).events]
    assert actions == ["submit", "dispatch", "decline", "dispatch", "accept"]
    assert {a.action for a in db.session.scalars(sa.select(AuditEntry))} >= {
        "order.dispatch", "order.decline", "order.accept"}


def test_the_resident_hears_of_every_status_change_and_nobody_of_his_own_act(world, make_order, now):
    order = make_order("closed")
    titles = [n.title.split("」")[1] for n in notes(world.resident1, "order_status")]
    assert titles == ["已派单", "单位已接单", "已领单", "待评价"]  # he rated it himself
    assert len(notes(world.unit_admin1, "order_dispatch")) == 1
    assert notes(world.unit_admin1, "order_dispatch")[0].link == f"/orders/{order.id}"
    assert notes(world.member1, "order_status") == []
    assert [n.kind for n in notes(world.member1)] == ["order_rate"]
    assert notes(world.staff3) == [] and notes(world.unit_admin2) == []


# ---- candidates and invitations -----------------------------------------------------------------

def test_candidates_are_ranked_with_reasons_and_load_counts(world, make_order, now):
    order = make_order("dispatched_pool", category="关爱老人", title="给独居老人理发",
                       description="老人行动不便", grid_id=world.grid1.id)
    reg = db.session.scalars(sa.select(Registration).where(Registration.member_id == world.member2.id)).one()
    reg.skills, reg.availability = ["护理", "做饭"], "随时"
    busy = f.member_in(world.comm1, grid=world.grid1, skills=["理发"])
    for _ in range(2):
        other = make_order("dispatched_pool")
        services.claim(busy, other.id, now=now)
    db.session.flush()
    order, ranked = matching.candidates(world.staff1, order.id, now=now)
    by_id = {c.member_id: c for c in ranked}
    m1, m2, b = by_id[world.member1.id], by_id[world.member2.id], by_id[busy.id]
    assert "同一网格（第一网格）" in m1.reasons and any("理发" in r for r in m1.reasons)
    assert any("护理" in r and "关爱老人" in r for r in m2.reasons)
    assert any(r.startswith("空闲时间") for r in m2.reasons)
    assert (b.open_claims, b.recent_claims) == (2, 2) and "手头有 2 单未完成" in b.reasons
    assert b.score < m1.score  # same skill and grid, but busy
    assert [c.member_id for c in ranked] == sorted(by_id, key=lambda i: (
        -by_id[i].score, by_id[i].open_claims, by_id[i].recent_claims, i))
    assert world.member3.id not in by_id  # comm3: not in this pool


def test_candidates_for_a_unit_order_are_the_units_members(world, make_order, now):
    order = make_order("accepted_unit")
    _, ranked = matching.candidates(world.staff1, order.id, now=now)
    assert {c.member_id for c in ranked} == {world.member1.id, world.member3.id, world.newbie.id}
    assert "住在本社区" in next(c for c in ranked if c.member_id == world.member1.id).reasons


def test_candidates_cost_a_fixed_number_of_queries(world, make_order, now):
    order = make_order("dispatched_pool")

    def statements():
        with counting_statements() as seen:
            matching.candidates(world.staff1, order.id, now=now)
        return len(seen)

    db.session.commit()
    db.session.expire_all()
    small = statements()
    for _ in range(15):
        f.member_in(world.comm1, grid=world.grid2, skills=["维修", "水电"])
    db.session.commit()
    db.session.expire_all()
    assert statements() == small


def test_invite_notifies_records_and_only_once(world, make_order, now):
    order = make_order("dispatched_pool")
    invitation = matching.invite(world.staff1, order.id, world.member2.id, now=now)
    db.session.commit()
    assert (invitation.member_id, invitation.invited_by_id) == (world.member2.id, world.staff1.id)
    assert notes(world.member2, "order_invite")[0].link == f"/orders/{order.id}"
    assert db.session.get(Order, order.id).events[-1].action == "invite"
    assert count(AuditEntry, AuditEntry.action == "order.invite") == 1
    with pytest.raises(Conflict):
        matching.invite(world.staff1, order.id, world.member2.id, now=now)
    db.session.rollback()
    with pytest.raises(Invalid) as err:
        matching.invite(world.staff1, order.id, world.member3.id, now=now)  # not in comm1's pool
    assert err.value.field == "member_id"
    db.session.rollback()
    with pytest.raises(NotFound):
        matching.invite(world.staff3, order.id, world.member1.id, now=now)
    with pytest.raises(Forbidden):
        matching.invite(world.member1, order.id, world.member1.id, now=now)
    submitted = make_order()
    with pytest.raises(Conflict):  # nobody can claim it yet
        matching.invite(world.staff1, submitted.id, world.member1.id, now=now)
    db.session.rollback()
    assert count(OrderInvitation) == 1
    _, ranked = matching.candidates(world.staff1, order.id, now=now)
    assert next(c for c in ranked if c.member_id == world.member2.id).invited


def test_is_overdue_only_while_open(world, make_order, now):
    late = make_order("dispatched_pool", at=now - timedelta(days=4))
    assert late.is_overdue(now) and not late.is_overdue(now - timedelta(days=2))
    done = make_order("closed", at=now - timedelta(days=4))
    assert not done.is_overdue(now)
