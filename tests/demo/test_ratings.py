"""The demo's ratings look like a real community's: most members 优秀 / 良好 / 合格 and a few
below, from a year of verified service and the district's thresholds (set as its admin)."""
from app.audit.models import AuditEntry
from app.clock import local_today
from app.demo import ratings
from app.extensions import db
from app.ratings import services
from tests import factories as f
from tests.conftest import count


def test_the_demo_distribution_is_mostly_good_with_a_few_below(world):
    for _ in range(40):
        f.member_in(world.comm1, world.unit1)
    db.session.commit()
    assert ratings.seed({})
    year = local_today().year
    summary = services.level_summary(world.staff1, world.comm1.id, year)
    counts, rated = summary["counts"], summary["total"] - summary["unrated"]
    good = counts["excellent"] + counts["good"] + counts["qualified"]
    assert rated == 42 and good >= 0.75 * rated
    assert 1 <= summary["low"] <= 0.25 * rated and not summary["mostly_low"]
    assert counts["excellent"] >= 5  # the top is not empty either
    assert count(AuditEntry, AuditEntry.action == "rating.thresholds") == 1
    assert ratings.seed({}) == []  # once
