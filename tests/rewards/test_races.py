"""Redemptions racing with real transactions (threads, each its own session and connection),
on SQLite and PostgreSQL: the last item goes to one member; a double submit spends once; the
spend balance is the sum of its entries; the leaderboards do not move."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.points.models import PointsTotal, SpendBalance, SpendEntry
from app.points.services import append_entry
from app.rewards import services
from app.rewards.models import Redemption, Reward
from tests import factories as f
from tests.conftest import count
from tests.races import race


def _district(members: int, stock: int, points: int = 20):
    district = f.place("district", "兑换区")
    street = f.place("street", "兑换街道", district)
    community = f.place("community", "兑换社区", street)
    staff = f.UserFactory(role="staff", place_id=community.id)
    member_ids = [f.member_in(community).id for _ in range(members)]
    for n, member_id in enumerate(member_ids):
        append_entry(member_id=member_id, points=points + n, rule_key="service_hour", source_type="test",
                     source_id=n, idempotency_key=f"race-earn-{member_id}")
    reward = services.create_reward(staff, place_id=community.id, name="最后一件", points=points,
                                    stock=stock, per_member_limit=5)
    db.session.commit()
    reward_id = reward.id
    db.session.close()
    return reward_id, member_ids


def _redeem(member_id: int, reward_id: int, key: str | None = None):
    return lambda: services.redeem(db.session.get(User, member_id), reward_id, key)


def _totals():
    rows = db.session.execute(sa.select(PointsTotal.member_id, PointsTotal.total)
                              .order_by(PointsTotal.member_id)).all()
    db.session.close()  # SQLite: an open transaction here would lock the racing writers out
    return rows


@pytest.mark.commits
def test_ten_members_for_the_last_item_one_wins(app):
    reward_id, member_ids = _district(members=10, stock=1)
    before = _totals()
    outcomes = race(app, [_redeem(m, reward_id) for m in member_ids])
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == 9
    assert db.session.get(Reward, reward_id).stock == 0
    assert count(Redemption) == 1 and count(SpendEntry) == 1
    spent = db.session.scalar(sa.select(sa.func.sum(SpendBalance.spent)))
    assert spent == db.session.scalar(sa.select(sa.func.sum(SpendEntry.points))) == 20
    assert _totals() == before  # earned totals, hence leaderboards, unchanged


@pytest.mark.commits
def test_a_double_submit_spends_once(app):
    reward_id, member_ids = _district(members=1, stock=5)
    outcomes = race(app, [_redeem(member_ids[0], reward_id, "the-same-tap")] * 8)
    assert outcomes.count("conflict") == 0
    assert count(Redemption) == 1 and count(SpendEntry) == 1
    assert db.session.get(Reward, reward_id).stock == 4
    assert db.session.scalar(sa.select(SpendBalance.spent)) == 20


@pytest.mark.commits
def test_one_member_cannot_overspend_with_parallel_redemptions(app):
    """20 earned, 20 a piece, eight different taps at once: one is paid, seven are refused."""
    reward_id, member_ids = _district(members=1, stock=8)
    outcomes = race(app, [_redeem(member_ids[0], reward_id, f"tap-{n}") for n in range(8)])
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == 7
    assert db.session.scalar(sa.select(SpendBalance.spent)) == 20
    assert db.session.scalar(sa.select(sa.func.sum(SpendEntry.points))) == 20
    assert db.session.get(Reward, reward_id).stock == 7
