"""Levels and thresholds, drafts, publication and revisions, the set-based rows, statistics."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.ratings import services, thresholds
from app.ratings.levels import DEFAULT_THRESHOLDS, Figures, Threshold, level_for
from app.ratings.models import Rating, RatingRevision, RatingThreshold
from tests import factories as f
from tests.conftest import count
from tests.ratings.helpers import WHEN, YEAR, order, points, project, tick
from tests.sql import counting_statements

TOP = dict(points=120, checklist_completed=5, checklist_total=5, avg_satisfaction=4.5,
           satisfaction_count=2, abandoned_claims=0)


@pytest.mark.parametrize("change,level", [
    ({}, "excellent"),                                                  # every excellent minimum met exactly
    ({"points": 119}, "good"),                                          # one point short
    ({"checklist_completed": 4}, "good"),                               # 80 % of the list
    ({"avg_satisfaction": 4.49}, "good"),
    ({"abandoned_claims": 1}, "good"),
    ({"avg_satisfaction": None, "satisfaction_count": 0}, "excellent"),  # never rated: not held against him
    ({"points": 80, "checklist_completed": 4, "avg_satisfaction": 4.0}, "good"),
    ({"points": 79, "checklist_completed": 4}, "qualified"),
    ({"points": 40, "checklist_completed": 3, "avg_satisfaction": 3.5, "abandoned_claims": 2}, "qualified"),
    ({"points": 40, "checklist_completed": 2}, "basic"),                # 40 % < 60 %
    ({"points": 10, "checklist_completed": 1, "avg_satisfaction": 1.0}, "basic"),  # no satisfaction bar
    ({"points": 9, "checklist_completed": 1}, "unqualified"),
    ({"points": 10, "checklist_completed": 0}, "unqualified"),
    ({"abandoned_claims": 3}, "basic"),
    ({"abandoned_claims": 4}, "unqualified"),
])
def test_level_boundaries_of_the_default_thresholds(change, level):
    assert level_for(Figures(**{**TOP, **change}), DEFAULT_THRESHOLDS) == level


def test_percent_boundary_is_exact_for_odd_list_lengths():
    # 2 of 3 items is 66.67 %: meets 66 %, misses 67 %
    figures = Figures(points=0, checklist_completed=2, checklist_total=3)
    assert level_for(figures, [Threshold("basic", 0, 66)]) == "basic"
    assert level_for(figures, [Threshold("basic", 0, 67)]) == "unqualified"


LEVELS = [{"level": "excellent", "min_points": 50, "min_checklist_percent": 100, "min_satisfaction": 4.0,
           "max_abandoned": 0},
          {"level": "good", "min_points": 30, "min_checklist_percent": 60, "min_satisfaction": 4.0,
           "max_abandoned": 1},
          {"level": "qualified", "min_points": 20, "min_checklist_percent": 40, "min_satisfaction": None,
           "max_abandoned": 2},
          {"level": "basic", "min_points": 1, "min_checklist_percent": 0, "min_satisfaction": None,
           "max_abandoned": None}]


def test_street_thresholds_apply_to_its_members_and_are_audited(rated):
    w = rated
    assert services.member_row(w.member2.id, YEAR).level == "qualified"
    thresholds.set_thresholds(w.street_admin, w.street1.id, YEAR, LEVELS, now=WHEN)
    # member2 (street1): 45 points, 60 %, one abandoned claim -> good under the street's set
    assert services.member_row(w.member2.id, YEAR).level == "good"
    # member3 is in street2: still the defaults (5 points -> 不合格)
    assert services.member_row(w.member3.id, YEAR).level == "unqualified"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "rating.thresholds"))
    assert entry.actor_id == w.street_admin.id and entry.detail["after"][1]["min_points"] == 30


def test_street_set_wins_over_the_district_set(rated):
    w = rated
    district_admin = f.UserFactory(role="street_admin", place_id=w.district.id)
    strict = [dict(item, min_points=item["min_points"] + 1000) for item in LEVELS]
    thresholds.set_thresholds(district_admin, w.district.id, YEAR, strict)
    assert services.member_row(w.member3.id, YEAR).level == "unqualified"
    assert services.member_row(w.member1.id, YEAR).level == "unqualified"
    thresholds.set_thresholds(w.street_admin, w.street1.id, YEAR, LEVELS)
    assert services.member_row(w.member1.id, YEAR).level == "excellent"
    config = thresholds.thresholds_config(w.street_admin, w.street1.id, YEAR)
    assert config["is_own"] and config["levels"][0]["min_points"] == 50


@pytest.mark.parametrize("bad", [
    LEVELS[:3],                                         # a level missing
    [LEVELS[0], LEVELS[0], LEVELS[2], LEVELS[3]],       # a level twice
    [dict(LEVELS[0], min_points=10), *LEVELS[1:]],      # excellent asks fewer points than good
    [dict(LEVELS[0], min_checklist_percent=50), *LEVELS[1:]],
    [dict(LEVELS[0], min_satisfaction=None), *LEVELS[1:]],  # good asks satisfaction, excellent not
    [dict(LEVELS[0], max_abandoned=5), *LEVELS[1:]],    # excellent allows more abandoned
])
def test_bad_thresholds_are_refused_and_nothing_written(world, bad):
    with pytest.raises(Invalid) as err:
        thresholds.set_thresholds(world.street_admin, world.street1.id, YEAR, bad)
    assert "levels" in err.value.errors
    assert count(RatingThreshold) == 0 and count(AuditEntry, AuditEntry.action == "rating.thresholds") == 0


@pytest.mark.parametrize("who,place,error", [
    ("street_admin", "street2", Forbidden), ("staff1", "street1", Forbidden),
    ("street_admin", "comm1", NotFound)])
def test_thresholds_scope(world, who, place, error):
    with pytest.raises(error):
        thresholds.set_thresholds(getattr(world, who), getattr(world, place).id, YEAR, LEVELS)
    assert count(RatingThreshold) == 0


def test_rows_carry_the_live_figures(rated):
    w = rated
    _, rows, total = services.unit_ratings(w.unit_admin1, w.unit1.id, YEAR, page_size=None)
    by_id = {row.member_id: row for row in rows}
    assert total == 3 and set(by_id) == {w.member1.id, w.member3.id, w.newbie.id}
    m1 = by_id[w.member1.id]
    assert (m1.level, m1.status, m1.points, m1.checklist_completed, m1.checklist_total, m1.hours,
            m1.avg_satisfaction, m1.satisfaction_count, m1.abandoned_claims, m1.community_name) == (
        "excellent", "draft", 130, 5, 5, 12.5, 4.5, 2, 0, w.comm1.name)
    assert (by_id[w.member3.id].level, by_id[w.member3.id].points) == ("unqualified", 5)
    newbie = by_id[w.newbie.id]
    assert (newbie.level, newbie.status, newbie.community_id) == (None, "unregistered", None)
    m2 = services.member_row(w.member2.id, YEAR)
    assert (m2.level, m2.abandoned_claims, m2.hours) == ("qualified", 1, 2.0)


def test_hours_add_the_projects_closed_in_the_year(rated, monkeypatch):
    """Hours credited by co-building projects (ProjectSignup.hours, set at closing) add to the
    verified service hours: a project closed in the year counts; one closed the next year, one
    still open (no hours yet) and an absence (0 h) add nothing."""
    from app.ratings import rows as R

    w = rated
    project(w.comm1, {w.member1: 3.0, w.member2: 0.0})  # member2 was absent
    project(w.comm1, {w.member1: 4.0}, closed_at=WHEN.replace(year=YEAR + 1))
    project(w.comm1, {w.member1: None, w.member3: None}, closed_at=None, status="open")
    project(w.comm3, {w.member3: 2.5})

    def unit1(**kw):
        _, rows, _ = services.unit_ratings(w.unit_admin1, w.unit1.id, YEAR, page_size=None, **kw)
        return [(row.member_id, row.hours) for row in rows]

    expected = [(w.member1.id, 15.5), (w.member3.id, 2.5), (w.newbie.id, 0.0)]
    assert unit1(sort="-hours") == expected
    assert services.member_row(w.member2.id, YEAR).hours == 2.0
    monkeypatch.setattr(R, "SELECT_ABOVE", 0)  # the helpers on a SELECT of ids: the same
    assert unit1(sort="-hours") == expected
    with counting_statements() as seen:
        R.hours_for([w.member1.id], YEAR)
    one = len(seen)
    with counting_statements() as seen:
        assert R.hours_for([w.member1.id, w.member2.id, w.member3.id, w.newbie.id], YEAR) == dict(
            [*expected, (w.member2.id, 2.0)])
    assert len(seen) == one == 2  # one grouped query per source, whatever the number of members
    services.publish(w.staff1, w.comm1.id, YEAR)
    project(w.comm1, {w.member1: 9.0})  # after publication: the snapshot keeps its hours
    assert db.session.get(Rating, services.member_row(w.member1.id, YEAR).rating_id).hours == 15.5
    assert services.member_row(w.member1.id, YEAR).hours == 15.5


def test_override_needs_a_comment_and_writes_nothing_without(rated):
    w = rated
    for comment in ("", "   "):
        with pytest.raises(Invalid) as err:
            services.set_rating(w.staff1, w.member2.id, YEAR, level="good", comment=comment)
        assert "comment" in err.value.errors
    assert count(Rating) == 0 and count(AuditEntry, AuditEntry.action.like("rating.%")) == 0
    assert services.member_row(w.member2.id, YEAR).level == "qualified"


def test_draft_override_keeps_the_computed_level_beside_it(rated):
    w = rated
    row = services.set_rating(w.staff1, w.member2.id, YEAR, level="good", comment="帮扶困难户很用心")
    assert (row.level, row.computed_level, row.is_override, row.status) == (
        "good", "qualified", True, "draft")
    row = services.set_rating(w.staff1, w.member2.id, YEAR, comment="补充评语")  # no level: keep it
    assert (row.level, row.comment) == ("good", "补充评语")
    assert count(Rating) == 1 and count(RatingRevision) == 0
    assert count(AuditEntry, AuditEntry.action == "rating.override") == 2


@pytest.mark.parametrize("who,error", [
    ("unit_admin1", Forbidden), ("member1", Forbidden), ("staff3", NotFound), ("resident1", Forbidden)])
def test_only_the_members_staff_rate_him(rated, who, error):
    with pytest.raises(error):
        services.set_rating(getattr(rated, who), rated.member2.id, YEAR, level="good", comment="好")
    assert count(Rating) == 0


def test_rating_an_unregistered_member_or_a_future_year_is_refused(rated):
    w = rated
    with pytest.raises(Conflict):
        services.set_rating(w.admin, w.newbie.id, YEAR, level="good", comment="好")
    with pytest.raises(Invalid) as err:
        services.set_rating(w.staff1, w.member1.id, datetime.now(UTC).year + 1, comment="好")
    assert "year" in err.value.errors and count(Rating) == 0


def test_publish_freezes_and_a_later_change_is_a_revision(rated):
    w = rated
    services.set_rating(w.staff1, w.member2.id, YEAR, level="good", comment="热心")
    result = services.publish(w.staff1, w.comm1.id, YEAR, now=WHEN + timedelta(days=200))
    assert (result["published"], result["published_total"]) == (2, 2)
    m1 = db.session.scalar(sa.select(Rating).where(Rating.member_id == w.member1.id))
    assert (m1.level, m1.published_level, m1.points, m1.hours, m1.community_id) == (
        "excellent", "excellent", 130, 12.5, w.comm1.id)
    # frozen: new points and evidence change nothing any more
    points(w.member1, 50)
    order(w.comm1, "dispatched", abandoned=[w.member1])
    row = services.member_row(w.member1.id, YEAR)
    assert (row.points, row.abandoned_claims, row.level, row.status) == (130, 0, "excellent", "published")
    # publishing again publishes nobody new
    assert services.publish(w.staff1, w.comm1.id, YEAR)["published"] == 0
    # a later change: a revision; the published values stay
    row = services.set_rating(w.staff1, w.member2.id, YEAR, level="basic", comment="全年仅参加一次活动")
    assert (row.level, row.revision_count, row.comment) == ("basic", 1, "全年仅参加一次活动")
    m2 = db.session.scalar(sa.select(Rating).where(Rating.member_id == w.member2.id))
    assert (m2.published_level, m2.published_comment, m2.computed_level) == ("good", "热心", "qualified")
    revision = db.session.scalar(sa.select(RatingRevision))
    assert (revision.old_level, revision.new_level, revision.old_comment, revision.created_by_id) == (
        "good", "basic", "热心", w.staff1.id)
    assert count(AuditEntry, AuditEntry.action == "rating.revise") == 1
    assert count(AuditEntry, AuditEntry.action == "rating.publish") == 2
    # the same level and comment again: no revision
    services.set_rating(w.staff1, w.member2.id, YEAR, level="basic", comment="全年仅参加一次活动")
    assert count(RatingRevision) == 1


def test_publish_reaches_members_registered_later_and_keeps_the_others(rated):
    w = rated
    services.publish(w.staff1, w.comm1.id, YEAR)
    late = f.member_in(w.comm1, w.unit1)
    tick(late, 1)
    points(late, 12)
    result = services.publish(w.staff1, w.comm1.id, YEAR)
    assert result["published"] == 1 and result["published_total"] == 3
    assert services.member_row(late.id, YEAR).level == "basic"


def test_a_published_rating_belongs_to_its_community_after_a_move(rated):
    w = rated
    services.publish(w.staff1, w.comm1.id, YEAR)
    reg = db.session.scalar(sa.select(f.Registration).where(f.Registration.member_id == w.member1.id))
    reg.community_id = w.comm3.id  # he moved house
    db.session.flush()
    row = services.member_row(w.member1.id, YEAR)
    assert (row.community_id, row.status) == (w.comm1.id, "published")
    with pytest.raises(Forbidden):  # the new community's staff may not change it
        services.set_rating(w.staff3, w.member1.id, YEAR, level="good", comment="改")
    assert count(RatingRevision) == 0


@pytest.mark.parametrize("who,error", [
    ("staff3", Forbidden), ("unit_admin1", Forbidden), ("member1", Forbidden)])
def test_publish_wrong_role_or_scope(rated, who, error):
    with pytest.raises(error):
        services.publish(getattr(rated, who), rated.comm1.id, YEAR)
    assert count(Rating) == 0


def test_unit_admin_sees_only_his_unit(rated):
    w = rated
    with pytest.raises(Forbidden):
        services.unit_ratings(w.unit_admin1, w.unit2.id, YEAR)
    with pytest.raises(NotFound):
        services.unit_ratings(w.unit_admin1, 999999, YEAR)
    _, rows, _ = services.unit_ratings(w.unit_admin2, w.unit2.id, YEAR)
    assert [row.member_id for row in rows] == [w.member2.id]


def test_filters_and_sorts(rated):
    w = rated
    unit = w.unit1.id

    def ids(**kw):
        _, rows, _ = services.unit_ratings(w.unit_admin1, unit, YEAR, page_size=None, **kw)
        return [row.member_id for row in rows]

    assert ids(sort="-points") == [w.member1.id, w.member3.id, w.newbie.id]
    assert ids(sort="level") == [w.member1.id, w.member3.id, w.newbie.id]   # best first, unrated last
    assert ids(sort="-level") == [w.member3.id, w.member1.id, w.newbie.id]
    assert ids(level="excellent") == [w.member1.id]
    assert ids(community_id=w.comm3.id) == [w.member3.id]
    w.member3.name = "欧阳修远"
    db.session.flush()
    assert ids(q="欧阳") == [w.member3.id]
    assert ids(q="%") == []  # LIKE wildcards are searched for literally
    _, page2, total = services.unit_ratings(w.unit_admin1, unit, YEAR, sort="-points", page=2, page_size=2)
    assert total == 3 and [r.member_id for r in page2] == [w.newbie.id]


def test_statistics_match_hand_computed_figures(world):
    """street1: comm1 (member1, member2, extra) and comm2 (nobody); street2: comm3 (member3)."""
    w = world
    extra = f.member_in(w.comm1, w.unit2)
    points(w.member1, 5)                             # service (attendance): served
    points(w.member3, 5)
    points(w.member2, 5, source_type="adjustment")   # an adjustment is not service
    tick(w.member1, 5)
    tick(w.member2, 2)
    tick(extra, 5)
    # comm1 orders created last year: completed in 2 h, 4 h, 10 h (median 4 h); scores 5, 4, 2
    for h, score in ((2, 5), (4, 4), (10, 2)):
        order(w.comm1, "closed", completed_at=WHEN + timedelta(hours=h),
              closed_at=WHEN + timedelta(hours=h + 1), score=score, claimers=[w.member1])
    order(w.comm1, "submitted")
    order(w.comm1, "cancelled")
    # comm3: completed in 1 h and 3 h (median 2 h), one scored 3
    order(w.comm3, "completed", completed_at=WHEN + timedelta(hours=1), claimers=[w.member3])
    order(w.comm3, "closed", completed_at=WHEN + timedelta(hours=3), closed_at=WHEN + timedelta(hours=4),
          score=3, claimers=[w.member3])
    order(w.comm3, "closed", created_at=WHEN - timedelta(days=400), completed_at=WHEN - timedelta(days=399),
          closed_at=WHEN - timedelta(days=399), score=1, claimers=[w.member3])  # another year: not counted
    from app.ratings.statistics import statistics

    street = statistics(w.street_admin, w.street1.id, YEAR)
    t = street["totals"]
    assert (t["registered"], t["served"], t["idle"], t["idle_rate"]) == (3, 1, 2, round(2 / 3, 4))
    assert t["idle_now"] is None  # not this year
    assert t["orders"]["closed"] == 3 and t["orders"]["submitted"] == 1 and t["orders"]["cancelled"] == 1
    assert t["orders_total"] == 5
    assert t["median_hours_to_complete"] == 4.0
    assert (t["avg_satisfaction"], t["satisfaction_count"]) == (round(11 / 3, 2), 3)
    assert (t["checklist_full"], t["checklist_full_rate"]) == (2, round(2 / 3, 4))
    assert t["checklist_avg_percent"] == round(100 * (1 + 0.4 + 1) / 3, 1)
    children = {c["place_id"]: c for c in street["children"]}
    assert set(children) == {w.comm1.id, w.comm2.id}
    assert children[w.comm2.id]["registered"] == 0 and children[w.comm2.id]["idle_rate"] is None

    district_admin = f.UserFactory(role="street_admin", place_id=w.district.id)
    district = statistics(district_admin, None, YEAR)
    assert district["place"]["id"] == w.district.id
    t = district["totals"]
    assert (t["registered"], t["served"], t["orders_total"]) == (4, 2, 7)
    # all five completed orders: 1, 2, 3, 4, 10 h -> median 3 h
    assert t["median_hours_to_complete"] == 3.0
    assert (t["avg_satisfaction"], t["satisfaction_count"]) == (round(14 / 4, 2), 4)
    streets = {c["place_id"]: c for c in district["children"]}
    assert streets[w.street1.id]["median_hours_to_complete"] == 4.0
    assert streets[w.street2.id]["median_hours_to_complete"] == 2.0
    assert (streets[w.street2.id]["registered"], streets[w.street2.id]["served"]) == (1, 1)

    community = statistics(w.staff3, None, YEAR)
    assert community["place"]["id"] == w.comm3.id and community["children"] == []
    assert community["totals"]["median_hours_to_complete"] == 2.0


def test_idle_now_uses_the_reminder_rule(world, now):
    from app.ratings.statistics import statistics

    w = world
    long_ago = now - timedelta(days=200)
    for reg in db.session.scalars(sa.select(f.Registration)):
        reg.approved_at = long_ago
    points(w.member1, 5, when=now - timedelta(days=3))   # served recently
    points(w.member2, 5, when=now - timedelta(days=90))  # served, but long ago
    t = statistics(w.staff1, None, now.year)["totals"]
    assert (t["registered"], t["idle_now"]) == (2, 1)  # member2: nothing in the last 60 days


@pytest.mark.parametrize("who,place,error", [
    ("staff1", "comm3", Forbidden), ("street_admin", "street2", Forbidden), ("member1", "comm1", Forbidden),
    ("unit_admin1", "comm1", Forbidden), ("street_admin", "grid1", NotFound)])
def test_statistics_scope(world, who, place, error):
    from app.ratings.statistics import statistics

    with pytest.raises(error):
        statistics(getattr(world, who), getattr(world, place).id, YEAR)


def test_demo_seed_publishes_and_is_idempotent(rated):
    from app.demo.ratings import seed
    from app.ratings.publicity import is_public

    f.member_in(rated.comm1, rated.unit1)  # a third member of comm1 gets a revision after publication
    lines = seed({"now": datetime.now(UTC)})
    assert lines and "ratings" in lines[0]
    published = count(Rating, Rating.published_at.is_not(None))
    assert published >= 2 and count(RatingRevision) >= 1 and is_public(rated.comm1.id)
    assert seed({}) == [] and count(Rating, Rating.published_at.is_not(None)) == published


def test_many_members_are_computed_from_a_select_with_the_same_result(rated, monkeypatch):
    """Above SELECT_ABOVE live rows the helpers get a SELECT of ids instead of an IN list."""
    from app.ratings import rows as R

    w = rated
    services.set_rating(w.staff1, w.member2.id, YEAR, level="good", comment="好")

    def everything():
        return [services.community_ratings(w.staff1, w.comm1.id, YEAR, sort="level", page_size=None)[1]] + [
            services.unit_ratings(w.admin, unit.id, YEAR, page_size=size, **kw)[1:]
            for unit in (w.unit1, w.unit2) for size in (None, 2)
            for kw in ({"sort": "-points"}, {"level": "good"}, {"sort": "satisfaction"},
                       {"sort": "-checklist"}, {"sort": "hours", "level": "excellent"})]

    by_list = everything()
    monkeypatch.setattr(R, "SELECT_ABOVE", 0)
    assert everything() == by_list
    assert [r.member_id for r in by_list[0]] == [w.member1.id, w.member2.id]
    assert [r.member_id for r in by_list[1][0]] == [w.member1.id, w.member3.id, w.newbie.id]  # -points
    assert by_list[6][0] == by_list[1][0][:2] and by_list[6][1] == 3  # -points again, paged by 2
    assert services.publish(w.staff1, w.comm1.id, YEAR)["published"] == 2
    published = {r.member_id: (r.level, r.points, r.hours) for r in services.community_ratings(
        w.staff1, w.comm1.id, YEAR, page_size=None)[1]}
    assert published == {w.member1.id: ("excellent", 130, 12.5), w.member2.id: ("good", 45, 2.0)}
