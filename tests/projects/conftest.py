"""A co-building world: the small district with unit1 and unit2 reported to comm1 (each with a
resource list) and one project of comm1 posted by staff1."""

from __future__ import annotations

from datetime import date

import pytest

from app.projects import services
from app.registrations.units import register_unit
from tests.conftest import settle

VENUE = {
    "kind": "venue",
    "name": "二楼会议室",
    "quantity": 40,
    "available": "工作日白天",
    "contact": "王老师",
}
LAWYERS = {"kind": "professional", "name": "法律咨询", "description": "三名律师轮值"}


def post_project(staff, community, **kw):
    values = {
        "community_id": community.id,
        "title": "老旧小区加装电梯协调",
        "kind": "专业服务",
        "goals": "完成三栋楼的意见征集",
        "starts_on": date(2026, 11, 1),
        "ends_on": date(2026, 12, 31),
        "slots": 5,
        "points": 12,
        "skills": ["法律"],
        "checklist_item": "solve_problem",
        **kw,
    }
    return services.create_project(staff, **values)


@pytest.fixture
def cob(world):
    world.reg1 = register_unit(
        unit=world.unit1, community_id=world.comm1.id, resources=[VENUE, LAWYERS], actor=world.admin
    )
    world.reg2 = register_unit(
        unit=world.unit2,
        community_id=world.comm1.id,
        resources=[{"kind": "volunteers", "name": "青年志愿服务队", "quantity": 12}],
        actor=world.admin,
    )
    world.res1 = [r.id for r in world.reg1.resources]
    world.res2 = [r.id for r in world.reg2.resources]
    world.project = post_project(world.staff1, world.comm1)
    settle()
    return world
