"""积分兑换: spending never touches the ledger or the leaderboards; stock, balance and the
per-member limit hold; a repeated request key spends once; cancelling refunds once."""
import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.points import spending
from app.points.models import LedgerEntry, PointsTotal, SpendBalance, SpendEntry
from app.points.services import append_entry
from app.rewards import services
from app.rewards.models import Redemption, Reward
from tests.conftest import count


def earn(member, points, n=1):
    append_entry(member_id=member.id, points=points, rule_key="service_hour", source_type="test",
                 source_id=n, idempotency_key=f"earn-{member.id}-{n}")


@pytest.fixture
def reward(world):
    return services.create_reward(world.staff1, place_id=world.comm1.id, name="环保袋", points=30,
                                  stock=2, per_member_limit=1)


def test_redeeming_spends_the_balance_not_the_earned_total(world, reward):
    earn(world.member1, 50)
    totals = db.session.execute(sa.select(PointsTotal.member_id, PointsTotal.total)).all()
    redemption, created = services.redeem(world.member1, reward.id, "k1")
    assert created and redemption.points == 30
    assert spending.balance_of(world.member1.id) == {"earned": 50, "spent": 30, "balance": 20}
    assert db.session.execute(sa.select(PointsTotal.member_id, PointsTotal.total)).all() == totals
    assert count(LedgerEntry) == 1  # the ledger has only the earning
    db.session.refresh(reward)
    assert reward.stock == 1


def test_the_same_request_key_spends_once(world, reward):
    earn(world.member1, 100)
    first, created = services.redeem(world.member1, reward.id, "same")
    again, created_again = services.redeem(world.member1, reward.id, "same")
    assert created and not created_again and again.id == first.id
    assert spending.balance_of(world.member1.id)["spent"] == 30 and count(SpendEntry) == 1


def test_a_short_balance_is_409_naming_points(world, reward):
    earn(world.member1, 10)
    with pytest.raises(Conflict) as err:
        services.redeem(world.member1, reward.id, "poor")
    assert "积分余额不足" in err.value.message and "points" in err.value.errors


def test_per_member_limit(world, reward):
    earn(world.member1, 100)
    services.redeem(world.member1, reward.id, "a")
    with pytest.raises(Conflict, match="每人限兑 1 件"):
        services.redeem(world.member1, reward.id, "b")


def test_out_of_stock(world):
    reward = services.create_reward(world.staff1, place_id=world.comm1.id, name="电影票", points=5,
                                    stock=1, per_member_limit=3)
    earn(world.member1, 100)
    earn(world.member2, 100)
    services.redeem(world.member1, reward.id, "a")
    with pytest.raises(Conflict, match="已兑完"):
        services.redeem(world.member2, reward.id, "b")


def test_cancel_refunds_once_and_returns_the_stock(world, reward):
    earn(world.member1, 50)
    redemption, _ = services.redeem(world.member1, reward.id, "k")
    services.decide(world.staff1, redemption.id, "cancel")
    assert spending.balance_of(world.member1.id) == {"earned": 50, "spent": 0, "balance": 50}
    db.session.refresh(reward)
    assert reward.stock == 2
    with pytest.raises(Conflict):
        services.decide(world.staff1, redemption.id, "cancel")
    with pytest.raises(Conflict):
        services.decide(world.staff1, redemption.id, "fulfil")
    assert db.session.scalar(sa.select(sa.func.sum(SpendEntry.points))) == 0
    assert count(AuditEntry, AuditEntry.action == "redemption.cancel") == 1


@pytest.mark.parametrize("state_action, allowed", [
    (("requested", "fulfil"), True), (("requested", "cancel"), True),
    (("fulfilled", "fulfil"), False), (("fulfilled", "cancel"), False),
    (("cancelled", "fulfil"), False), (("cancelled", "cancel"), False),
])
def test_transitions_table(state_action, allowed):
    assert (state_action in services.TRANSITIONS) is allowed


def test_scope(world, reward):
    earn(world.member3, 100)  # registered in 光孝社区 of the other street
    with pytest.raises(NotFound):
        services.redeem(world.member3, reward.id)
    with pytest.raises(Forbidden):
        services.create_reward(world.staff2, place_id=world.comm1.id, name="x", points=1, stock=1)
    with pytest.raises(Invalid) as err:
        services.create_reward(world.staff1, place_id=world.grid1.id, name="x", points=1, stock=1)
    assert err.value.field == "place_id"
    earn(world.member1, 100)
    redemption, _ = services.redeem(world.member1, reward.id)
    with pytest.raises(NotFound):
        services.decide(world.staff3, redemption.id, "fulfil")
    with pytest.raises(NotFound):
        services.decide(world.member2, redemption.id, "cancel")
    assert services.decide(world.staff1, redemption.id, "fulfil").status == "fulfilled"


def test_a_street_reward_is_offered_in_every_community_of_the_street(world):
    reward = services.create_reward(world.street_admin, place_id=world.street1.id, name="体检券",
                                    points=1, stock=5)
    ids = lambda user: {r.id for r in db.session.scalars(services.rewards_query(user))}  # noqa: E731
    assert reward.id in ids(world.member1) and reward.id not in ids(world.member3)
    assert reward.id not in ids(world.staff1)  # staff see what is inside their community
    assert reward.id in ids(world.street_admin) and reward.id not in ids(world.staff3)
    assert ids(world.resident1) == set()
    assert count(Reward) == 1 and count(Redemption) == 0 and count(SpendBalance) == 0
