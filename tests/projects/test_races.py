"""Claims, sign-ups and closings racing with real transactions (threads with their own app
context, session and connection), on SQLite and on PostgreSQL: the last place, the last slot
of the project and the last slot of a session go to exactly one, and a project closed twice at
once pays its participants once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.auth.models import Role, User
from app.clock import local_today
from app.extensions import db
from app.points.models import LedgerEntry, PointsTotal
from app.projects import services, sessions
from app.projects.models import Project, ProjectClaim, ProjectSession, ProjectSignup
from app.registrations.units import register_unit
from tests import factories as f
from tests.conftest import at, count
from tests.races import race

pytestmark = pytest.mark.commits


def _project(members: int, *, slots: int, units: int = 0, session_slots: int | None = None):
    """(project id, staff id, unit admin ids, member ids), committed; with `session_slots`, the
    project has one session (tomorrow 09:00–11:00) of that many slots, and its id comes last."""
    district = f.place("district", "并发区")
    street = f.place("street", "并发街道", district)
    community = f.place("community", "并发社区", street)
    staff = f.UserFactory(role=Role.STAFF, place_id=community.id)
    admin = f.UserFactory(role=Role.ADMIN)
    unit_admin_ids = []
    for n in range(units):
        unit = f.UnitFactory(name=f"并发单位{n}")
        register_unit(unit=unit, community_id=community.id, resources=["会议室"], actor=admin)
        unit_admin_ids.append(f.UserFactory(role=Role.UNIT_ADMIN, unit_id=unit.id).id)
    member_ids = [f.member_in(community).id for _ in range(members)]
    project = services.create_project(
        staff,
        community_id=community.id,
        title="楼道微改造",
        kind="洁净家园",
        goals="清理楼道",
        slots=slots,
        points=7,
        **_period(session_slots),
    )
    ids = project.id, staff.id, unit_admin_ids, member_ids
    if session_slots is not None:
        tomorrow = local_today() + timedelta(days=1)
        session = sessions.create_session(
            staff,
            project.id,
            title="第一场",
            starts_at=at(tomorrow, 9, 0),
            ends_at=at(tomorrow, 11, 0),
            slots=session_slots,
        )
        ids = (*ids, session.id)
    db.session.commit()
    db.session.close()  # hold no (SQLite: write) transaction while the threads race
    return ids


def _period(session_slots) -> dict:
    if session_slots is None:
        return {"starts_on": date(2026, 11, 1), "ends_on": date(2026, 12, 31)}
    return {"starts_on": local_today(), "ends_on": local_today() + timedelta(days=30)}


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_two_units_claiming_the_last_place_one_wins(app):
    project_id, _, (admin_a, admin_b), _ = _project(0, slots=5, units=2)

    def claim(admin_id):
        admin = _user(admin_id)
        return lambda: services.claim_project(_user(admin_id), project_id, unit_id=admin.unit_id)

    with app.app_context():
        calls = [claim(admin_a), claim(admin_b)]
        db.session.remove()
    outcomes = race(app, calls)
    assert sorted(outcomes) == ["conflict", "ok"]
    project = db.session.get(Project, project_id)
    assert (project.status, project.claimed_places) == ("full", 1)
    assert count(ProjectClaim, ProjectClaim.project_id == project_id) == 1


def test_fifty_members_for_the_last_slot_one_wins(app):
    project_id, _, _, member_ids = _project(51, slots=2)
    with app.app_context():
        services.sign_up(_user(member_ids[0]), project_id)  # one slot left
        db.session.commit()
        db.session.remove()
    outcomes = race(app, [lambda m=m: services.sign_up(_user(m), project_id) for m in member_ids[1:]])
    assert sorted(outcomes) == ["conflict"] * 49 + ["ok"]
    assert db.session.get(Project, project_id).signup_count == 2
    assert count(ProjectSignup, ProjectSignup.project_id == project_id) == 2


def test_one_member_signing_up_six_times_at_once_takes_one_slot(app):
    project_id, _, _, (member_id,) = _project(1, slots=5)
    outcomes = race(app, [lambda: services.sign_up(_user(member_id), project_id)] * 6)
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert db.session.get(Project, project_id).signup_count == 1


def test_closing_twice_at_once_pays_once(app):
    project_id, staff_id, _, member_ids = _project(3, slots=5)
    with app.app_context():
        for member_id in member_ids:
            services.sign_up(_user(member_id), project_id)
        db.session.commit()
        db.session.remove()
    outcomes = race(app, [lambda: services.close_project(_user(staff_id), project_id, "完成")] * 4)
    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    assert count(LedgerEntry, LedgerEntry.source_type == "project") == 3
    totals = db.session.scalars(
        db.select(PointsTotal.total).where(PointsTotal.member_id.in_(member_ids))
    ).all()
    assert sorted(totals) == [7, 7, 7]


def test_fifty_members_for_the_last_slot_of_a_session_one_wins(app):
    project_id, _, _, member_ids, session_id = _project(51, slots=1, session_slots=2)
    with app.app_context():
        services.sign_up(_user(member_ids[0]), project_id, session_id)  # one slot left
        db.session.commit()
        db.session.remove()
    outcomes = race(
        app, [lambda m=m: services.sign_up(_user(m), project_id, session_id) for m in member_ids[1:]]
    )
    assert sorted(outcomes) == ["conflict"] * 49 + ["ok"]
    assert db.session.get(ProjectSession, session_id).signup_count == 2
    assert count(ProjectSignup, ProjectSignup.session_id == session_id) == 2
    assert db.session.get(Project, project_id).signup_count == 0  # the project's own slots untouched


def test_one_member_signing_up_for_a_session_six_times_at_once_takes_one_slot(app):
    project_id, _, _, (member_id,), session_id = _project(1, slots=1, session_slots=5)
    outcomes = race(app, [lambda: services.sign_up(_user(member_id), project_id, session_id)] * 6)
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert db.session.get(ProjectSession, session_id).signup_count == 1


def test_a_session_slot_given_back_while_fifty_race_for_it_goes_to_one(app):
    project_id, _, _, member_ids, session_id = _project(51, slots=1, session_slots=1)
    with app.app_context():
        taken = services.sign_up(_user(member_ids[0]), project_id, session_id)  # full
        db.session.commit()
        signup_id = taken.id
        db.session.remove()
    calls = [lambda: services.cancel_signup(_user(member_ids[0]), project_id, signup_id)]
    calls += [lambda m=m: services.sign_up(_user(m), project_id, session_id) for m in member_ids[1:]]
    outcomes = race(app, calls)
    won = count(ProjectSignup, ProjectSignup.session_id == session_id)
    assert won <= 1 and outcomes.count("ok") == 1 + won  # the cancel, and at most one taker
    assert db.session.get(ProjectSession, session_id).signup_count == won
