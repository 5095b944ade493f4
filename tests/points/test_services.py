"""The ledger: award once, caps, adjustments, SUM(ledger) == total, concurrency."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import Role
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.points.models import LedgerEntry, PointsTotal, ScoringRule
from app.points.services import adjust, award, total_for
from tests import factories as f
from tests.conftest import count

NOW = datetime(2026, 6, 15, 2, tzinfo=UTC)


def ledger_sums():
    return dict(db.session.execute(sa.select(LedgerEntry.member_id, sa.func.sum(LedgerEntry.points))
                                   .where(LedgerEntry.year == 2026).group_by(LedgerEntry.member_id)).all())


def totals():
    return dict(db.session.execute(sa.select(PointsTotal.member_id, PointsTotal.total)
                                   .where(PointsTotal.year == 2026)).all())


def test_award_pays_once_per_evidence(world):
    first = award(world.member1.id, "order_completed", source_type="order", source_id=7, now=NOW)
    again = award(world.member1.id, "order_completed", source_type="order", source_id=7, now=NOW)
    assert first.points == 10 and again is None
    assert total_for(world.member1.id, 2026) == 10
    assert count(LedgerEntry) == 1


def test_award_copies_the_members_places_for_leaderboards(world):
    award(world.member1.id, "order_completed", source_type="order", source_id=1, now=NOW)
    row = db.session.get(PointsTotal, (world.member1.id, 2026))
    assert (row.community_id, row.street_id, row.unit_id) == (
        world.comm1.id, world.street1.id, world.unit1.id)


def test_per_hour_rule_and_month_cap(world):
    # service_hour: 2 points per hour, at most 80 a month
    def hours(source_id, quantity):
        return award(world.member1.id, "service_hour", source_type="service_record",
                     source_id=source_id, quantity=quantity, now=NOW)

    e1, e2, e3 = hours(1, 30), hours(2, 20), hours(3, 1)
    assert (e1.points, e2.points, e3) == (60, 20, None)
    next_month = award(world.member1.id, "service_hour", source_type="service_record", source_id=4,
                       quantity=1, now=NOW + timedelta(days=31))
    assert next_month.points == 2
    assert total_for(world.member1.id, 2026) == 82


def test_inactive_rule_pays_nothing(world):
    db.session.scalar(sa.select(ScoringRule).where(ScoringRule.key == "attendance")).is_active = False
    assert award(world.member1.id, "attendance", source_type="attendance", source_id=1, now=NOW) is None
    assert count(LedgerEntry) == 0


def test_unknown_rule_is_404(world):
    with pytest.raises(NotFound):
        award(world.member1.id, "nap", source_type="order", source_id=1, now=NOW)


def test_negative_rule_deducts(world):
    award(world.member1.id, "order_completed", source_type="order", source_id=1, now=NOW)
    award(world.member1.id, "claim_abandoned", source_type="order", source_id=2, now=NOW)
    assert total_for(world.member1.id, 2026) == 5


def test_adjustment_is_a_new_audited_entry(world):
    from app.audit.models import AuditEntry

    award(world.member1.id, "order_completed", source_type="order", source_id=1, now=NOW)
    entry = adjust(world.staff1, world.member1.id, -3, "重复登记，扣回", now=NOW)
    assert entry.created_by_id == world.staff1.id and entry.reason == "重复登记，扣回"
    assert count(LedgerEntry) == 2 and total_for(world.member1.id, 2026) == 7
    assert count(AuditEntry, AuditEntry.action == "points.adjust") == 1


@pytest.mark.parametrize("who,error", [("member2", Forbidden), ("unit_admin1", Forbidden),
                                       ("staff3", NotFound), ("resident1", Forbidden)])
def test_adjust_wrong_role_or_scope(world, who, error):
    with pytest.raises(error):
        adjust(getattr(world, who), world.member1.id, 5, "x", now=NOW)
    assert count(LedgerEntry) == 0


def test_adjust_needs_reason_and_nonzero_points(world):
    with pytest.raises(Invalid):
        adjust(world.staff1, world.member1.id, 5, "  ", now=NOW)
    with pytest.raises(Invalid):
        adjust(world.staff1, world.member1.id, 0, "x", now=NOW)
    assert count(LedgerEntry) == 0


def test_ledger_always_sums_to_the_cached_total(world):
    import random

    rng = random.Random(5)
    members = [world.member1, world.member2, world.member3]
    rules = ["attendance", "service_hour", "suggestion_adopted", "order_completed",
             "order_good_rating", "pairing_help", "claim_abandoned"]
    for i in range(120):
        m = rng.choice(members)
        moment = NOW + timedelta(days=rng.randint(0, 150))
        if i % 10 == 0:
            adjust(world.staff1 if m is not world.member3 else world.staff3, m.id,
                   rng.choice([-4, 3, 7]), "修正", now=moment + timedelta(seconds=i))
        else:
            award(m.id, rng.choice(rules), source_type="order", source_id=rng.randint(1, 40),
                  quantity=rng.choice([0.5, 1, 2.5]), now=moment)
    assert ledger_sums() == totals()
    assert len(totals()) == 3


@pytest.mark.commits
@pytest.mark.parametrize("workers", [8])
def test_concurrent_duplicate_awards_pay_once(app, workers):
    """Real transactions in threads racing to pay the same evidence: the unique key wins."""
    unit = f.UnitFactory()
    member_id = f.MemberFactory(unit=unit).id
    db.session.commit()
    db.session.close()  # hold no (SQLite: write) transaction while the threads race
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                entry = award(member_id, "order_completed", source_type="order", source_id=42, now=NOW)
                db.session.commit()
                results.append(entry is not None)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results.count(True) == 1
    db.session.expire_all()
    assert count(LedgerEntry, LedgerEntry.member_id == member_id) == 1
    assert total_for(member_id, 2026) == 10


def test_database_rejects_a_duplicate_key_even_without_the_service(world):
    from sqlalchemy.exc import IntegrityError

    award(world.member1.id, "order_completed", source_type="order", source_id=9, now=NOW)
    dup = LedgerEntry(member_id=world.member1.id, year=2026, points=10, rule_key="order_completed",
                      source_type="order", source_id=9, created_at=NOW,
                      idempotency_key=f"order_completed:order:9:{world.member1.id}")
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(dup)
            db.session.flush()
    assert count(LedgerEntry) == 1


def test_approval_moves_the_members_totals(world):
    from app.registrations.services import approve, transfer

    award(world.member1.id, "order_completed", source_type="order", source_id=1)
    reg = transfer(world.member1, f.Registration.query.filter_by(member_id=world.member1.id).one().id,
                   community_id=world.comm3.id, address="新家")
    approve(world.staff3, reg.id)
    row = db.session.scalars(sa.select(PointsTotal).where(PointsTotal.member_id == world.member1.id)).one()
    assert (row.community_id, row.street_id) == (world.comm3.id, world.street2.id)
    assert world.member1.role == Role.MEMBER


@pytest.mark.commits
def test_concurrent_capped_awards_respect_the_cap(app):
    """Eight threads pay different evidence under a 10-point daily cap: exactly 10 paid."""
    rule = db.session.scalar(sa.select(ScoringRule).where(ScoringRule.key == "pairing_help"))
    saved = (rule.cap_period, rule.cap_points)
    rule.cap_period, rule.cap_points = "day", 10
    member_id = f.MemberFactory(unit=f.UnitFactory()).id
    db.session.commit()
    db.session.close()
    barrier, errors = threading.Barrier(8), []

    def worker(n):
        with app.app_context():
            try:
                barrier.wait()
                award(member_id, "pairing_help", source_type="service_record", source_id=n, now=NOW)
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert total_for(member_id, 2026) == 10
        assert count(LedgerEntry, LedgerEntry.member_id == member_id) == 2
    finally:
        rule = db.session.scalar(sa.select(ScoringRule).where(ScoringRule.key == "pairing_help"))
        rule.cap_period, rule.cap_points = saved
        db.session.commit()


def test_totals_for_is_set_based(world):
    from app.points.services import totals_for
    from app.registrations.models import Registration

    award(world.member1.id, "order_completed", source_type="order", source_id=1, now=NOW)
    assert totals_for([world.member1.id, world.member2.id], 2026) == {world.member1.id: 10,
                                                                      world.member2.id: 0}
    assert totals_for(sa.select(Registration.member_id), 2026) == {world.member1.id: 10}
