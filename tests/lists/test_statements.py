"""SQL statements per list request do not grow with the rows listed (no query per row), for the
lists that had no such check: activities, sign-ups, service records, suggestions, households,
registrations (the staff queue shows phones), order candidates (with phones)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activities import services as activities
from app.extensions import db
from app.orders import services as orders
from app.registrations.services import register
from app.service import services as service
from tests import factories as f
from tests.orders.conftest import ORDER
from tests.sql import statements


def grow(w, at, n: int) -> None:
    """n more of everything in comm1: members (one pending), activities with sign-ups, service
    records, suggestions, households with pairings."""
    now = at
    activity = db.session.scalar(sa.select(activities.Activity).order_by(activities.Activity.id))
    for _ in range(n):
        member = f.member_in(w.comm1, f.UnitFactory())
        if activity is None:
            activity = activities.create_activity(
                w.staff1, community_id=w.comm1.id, title="清洁家园", category="洁净家园",
                starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2),
                capacity=100, points=5, now=now)
        activities.create_activity(
            w.staff1, community_id=w.comm1.id, title="巡逻", category="守护平安", capacity=5, points=5,
            starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=1), now=now)
        activities.sign_up(member, activity.id, now=now)
        service.create_record(member, community_id=w.comm1.id, category="助老", hours=2,
                              started_at=now - timedelta(hours=3), description="陪老人就医", now=now)
        service.create_suggestion(member, community_id=w.comm1.id, title="加装路灯", body="小区北门太暗",
                                  now=now)
        household = service.create_household(w.staff1, community_id=w.comm1.id, name="困难户",
                                             address="仓边路1号", now=now)
        service.pair(w.staff1, household.id, member.id, now=now)
        register(f.MemberFactory(unit=f.UnitFactory()), community_id=w.comm1.id, address="仓边路2号",
                 now=now)
    db.session.commit()


API_PATHS = ["/activities", "/activities/{activity}/signups", "/service-records", "/suggestions",
             "/households", "/registrations?status=pending", "/orders/{order}/candidates"]
PAGE_PATHS = ["/activities", "/activities/{activity}", "/staff/verify", "/staff/households",
              "/staff/registrations", "/orders/{order}/candidates"]


@pytest.fixture
def listed(world, now):
    grow(world, now, 2)
    order = orders.create_order(world.resident1, **ORDER)
    orders.dispatch(world.staff1, order.id, to_pool=True)
    db.session.commit()
    first = db.session.scalar(sa.select(activities.Activity.id).order_by(activities.Activity.id))
    return {"activity": first, "order": order.id}


@pytest.mark.parametrize("kind,path", [("api", p) for p in API_PATHS] + [("page", p) for p in PAGE_PATHS])
def test_staff_lists_keep_a_constant_number_of_statements(world, api, page, now, listed, kind, path):
    client = api(world.staff1) if kind == "api" else page(world.staff1)
    path = path.format(**listed)
    few = statements(client, path)
    grow(world, now, 5)
    assert statements(client, path) == few


@pytest.mark.parametrize("path", ["/activities", "/service-records", "/suggestions", "/households"])
def test_member_lists_keep_a_constant_number_of_statements(world, api, now, listed, path):
    client = api(world.member1)
    service.create_record(world.member1, community_id=world.comm1.id, category="助老", hours=1,
                          started_at=now - timedelta(hours=2), description="陪聊", now=now)
    few = statements(client, path)
    for _ in range(4):
        service.create_record(world.member1, community_id=world.comm1.id, category="助老", hours=1,
                              started_at=now - timedelta(hours=2), description="陪聊", now=now)
        service.create_suggestion(world.member1, community_id=world.comm1.id, title="t", body="b", now=now)
    grow(world, now, 3)
    assert statements(client, path) == few


def test_staff_still_see_the_phones_of_their_members_only(world, api, listed):
    """The phone check now reads the staff's members once per request: same answers as before."""
    items = api(world.staff1).get(f"/orders/{listed['order']}/candidates").json["items"]
    assert items and all("****" not in c["phone"] for c in items)
    outsider = f.member_in(world.comm3)
    db.session.commit()
    assert api(world.staff1).get(f"/members/{outsider.id}/points").status_code == 404
    from app.auth.permissions import visible_phone

    assert "****" in visible_phone(outsider, world.staff1)
    assert "****" not in visible_phone(outsider, world.staff3)
