"""表彰: nominate → approve (公示期) → objections → grant, and who may do what."""
from datetime import timedelta

import pytest

from app.audit.models import AuditEntry
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.honours import services
from app.honours.models import Honour, HonourObjection
from app.notifications.models import Notification
from tests.conftest import NOW, count


def ids(user):
    return [h.id for h in db.session.scalars(services.honours_query(user))]


@pytest.fixture
def honour(world):
    return services.nominate(world.staff1, kind="service_star", member_id=world.member1.id,
                             reasons="一年服务 120 小时，认领需求 30 件", now=NOW)


def test_the_flow_with_an_objection(world, honour):
    assert ids(world.resident1) == [] and ids(world.member2) == []  # a nomination is not public
    assert ids(world.staff1) == [honour.id] and ids(world.street_admin) == [honour.id]
    services.decide(world.street_admin, honour.id, "approve", now=NOW)
    assert honour.status == "publicity" and honour.publicity_ends_at == NOW + timedelta(days=5)
    assert ids(world.resident1) == [honour.id] and ids(world.member2) == [honour.id]
    assert ids(world.resident2) == [] and ids(world.member3) == []  # another community
    services.object_to(world.resident1, honour.id, "去年曾有投诉未处理", now=NOW + timedelta(days=1))
    with pytest.raises(Conflict):
        services.object_to(world.resident1, honour.id, "again", now=NOW + timedelta(days=1))
    with pytest.raises(NotFound):
        services.object_to(world.resident2, honour.id, "not mine", now=NOW + timedelta(days=1))
    with pytest.raises(Conflict, match="公示期未结束"):
        services.decide(world.street_admin, honour.id, "grant", now=NOW + timedelta(days=2))
    with pytest.raises(Conflict, match="公示期内"):
        services.object_to(world.member2, honour.id, "late", now=NOW + timedelta(days=6))
    with pytest.raises(Invalid) as err:
        services.decide(world.street_admin, honour.id, "grant", now=NOW + timedelta(days=6))
    assert err.value.field == "note"
    services.decide(world.street_admin, honour.id, "grant", "经核实投诉已于当年处理完毕",
                    now=NOW + timedelta(days=6))
    assert honour.status == "granted" and services.granted_honours(world.member1.id) == [honour]
    assert count(HonourObjection) == 1
    actions = {a for (a,) in db.session.query(AuditEntry.action).filter(AuditEntry.action.like("honour.%"))}
    assert actions == {"honour.nominate", "honour.approve", "honour.grant"}
    assert count(Notification, Notification.user_id == world.member1.id, Notification.kind == "honour") == 1
    assert ids(world.unit_admin1) == [honour.id]  # his unit's member, granted


@pytest.mark.parametrize("state, action, allowed", [
    ("nominated", "approve", True), ("nominated", "reject", True), ("nominated", "grant", False),
    ("publicity", "approve", False), ("publicity", "reject", True), ("publicity", "grant", True),
    ("granted", "approve", False), ("granted", "reject", False), ("granted", "grant", False),
    ("rejected", "approve", False), ("rejected", "reject", False), ("rejected", "grant", False),
])
def test_transitions(world, honour, state, action, allowed):
    assert ((state, action) in services.TRANSITIONS) is allowed
    db.session.query(Honour).filter_by(id=honour.id).update(
        {"status": state, "publicity_ends_at": NOW - timedelta(days=1)})
    db.session.expire(honour)
    if allowed:
        assert services.decide(world.street_admin, honour.id, action, "ok", now=NOW).status != state
    else:
        with pytest.raises(Conflict):
            services.decide(world.street_admin, honour.id, action, "ok", now=NOW)


def test_who_may_nominate_and_decide(world, honour):
    with pytest.raises(NotFound):
        services.nominate(world.staff3, kind="service_star", member_id=world.member1.id, reasons="x")
    with pytest.raises(NotFound):
        services.nominate(world.staff1, kind="service_star", member_id=world.newbie.id, reasons="x")
    with pytest.raises(Invalid) as err:
        services.nominate(world.staff1, kind="nobel", member_id=world.member1.id, reasons="x")
    assert err.value.field == "kind"
    with pytest.raises(Invalid) as err:
        services.nominate(world.staff1, kind="team", reasons="x", community_id=world.comm1.id)
    assert err.value.field == "team_name"
    team = services.nominate(world.staff1, kind="team", team_name="仓边义剪队", reasons="每月义剪",
                             community_id=world.comm1.id)
    assert team.member_id is None and team.community_id == world.comm1.id
    with pytest.raises(NotFound):  # another community's staff do not see it
        services.decide(world.staff3, honour.id, "approve")
    with pytest.raises(Forbidden):  # staff nominate, the street approves
        services.decide(world.staff1, honour.id, "approve")
    assert count(Honour) == 2
