"""Demo data for co-building (项目清单, 共建协议, 服务队): in the first demo communities with staff,
approved members and reported units, through the real services: an agreement, a closed project
(a unit's claim with resources accepted, members paid), an open one claimed and waiting, a
fresh one in two sessions (场次, two members signed up for the first); a service team with its
leader and members that claimed a project. Idempotent: does nothing when projects exist."""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from app.auth.models import Role, User
from app.clock import local_moment, local_today
from app.extensions import db
from app.places.models import Place, PlaceKind
from app.projects import agreements, services, sessions
from app.projects.models import Project
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.resources import unit_resources
from app.registrations.units import reported_units
from app.teams import services as teams

PROJECTS = [  # title, kind, goals, skills
    ("老旧小区加装电梯意见征集", "专业服务", "完成三栋楼住户意见征集，协调低层住户顾虑。", ["法律", "沟通"]),
    ("独居老人结对探访", "关爱老幼", "每周探访一次独居老人，记录身体和生活需求。", ["护理"]),
    ("楼道微改造", "洁净家园", "清理楼道杂物，粉刷墙面，安装感应灯。", ["维修"]),
]


def _cast(community: Place):
    staff = db.session.scalar(
        sa.select(User).where(User.role == Role.STAFF, User.place_id == community.id).limit(1)
    )
    members = db.session.scalars(
        sa.select(User)
        .join(Registration, Registration.member_id == User.id)
        .where(Registration.community_id == community.id, Registration.status == RegistrationStatus.APPROVED)
        .order_by(User.id)
        .limit(6)
    ).all()
    units = reported_units(community.id)
    admins = {
        u.id: db.session.scalar(
            sa.select(User).where(User.role == Role.UNIT_ADMIN, User.unit_id == u.id).limit(1)
        )
        for u in units
    }
    units = [u for u in units if admins[u.id] is not None]
    return staff, list(members), units, admins


def seed(ctx) -> list[str]:
    if db.session.scalar(sa.select(Project.id).limit(1)) is not None:
        return ["already there, left as they were"]
    lines = []
    communities = db.session.scalars(
        sa.select(Place).where(Place.kind == PlaceKind.COMMUNITY).order_by(Place.id)
    )
    for community in communities:
        staff, members, units, admins = _cast(community)
        if staff is not None and len(members) >= 4 and units:
            lines.append(_seed_community(community, staff, members, units, admins, ctx["now"]))
        if len(lines) == 2:
            break
    return lines or ["no community with staff, members and reported units"]


def _seed_community(community, staff, members, units, admins, now) -> str:
    today = local_today(now)
    unit = units[0]
    admin = admins[unit.id]
    agreement = agreements.create_agreement(
        staff,
        community_id=community.id,
        unit_id=unit.id,
        title=f"{unit.name}与{community.name}结对共建协议",
        content="双方每季度开展一次共建活动，单位提供场地和专业服务，社区组织党员和群众参与。",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
        now=now - timedelta(days=60),
    )

    def post(n, days_ago, **kw):
        title, kind, goals, skills = PROJECTS[n]
        return services.create_project(
            staff,
            community_id=community.id,
            title=title,
            kind=kind,
            goals=goals,
            skills=skills,
            starts_on=today - timedelta(days=days_ago),
            ends_on=today + timedelta(days=30),
            slots=6,
            points=10,
            checklist_item="solve_problem" if n == 0 else None,
            agreement_id=agreement.id,
            now=now - timedelta(days=days_ago),
            **kw,
        )

    done = post(0, 40)
    resource_ids = [r.id for r in unit_resources(unit.id)][:2]
    claim = services.claim_project(
        admin,
        done.id,
        unit_id=unit.id,
        resource_ids=resource_ids,
        note="周六上午可用",
        now=now - timedelta(days=38),
    )
    services.decide_claim(staff, done.id, claim.id, True, now=now - timedelta(days=37))
    for member in members[:3]:
        services.sign_up(member, done.id, now=now - timedelta(days=36))
    services.add_update(admin, done.id, "会议室已布置，律师到场解答。", now=now - timedelta(days=20))
    services.close_project(
        staff,
        done.id,
        "征集意见126份，三栋楼达成加装共识。",
        absent_member_ids=[members[2].id],
        now=now - timedelta(days=10),
    )
    waiting = post(1, 5)
    if len(units) > 1:
        services.claim_project(
            admins[units[1].id], waiting.id, unit_id=units[1].id, now=now - timedelta(days=4)
        )
    services.sign_up(members[3], waiting.id, now=now - timedelta(days=3))
    fresh = post(2, 1, places=2)
    team = teams.create_team(
        staff,
        name=f"{community.name}志愿服务队",
        leader_id=members[0].id,
        specialities=["法律咨询", "关爱老人"],
        community_id=community.id,
        description="社区在职党员组成的志愿服务队",
        now=now - timedelta(days=30),
    )
    for member in members[1:4]:
        teams.add_member(members[0], team.id, member.id, now=now - timedelta(days=29))
    teams.claim_project(members[0], team.id, fresh.id, now=now - timedelta(hours=12))
    _sessions(staff, fresh, members, today, now)
    return (
        f"{community.name}: 3 projects (one closed, one in two sessions), an agreement with {unit.name}, "
        f"team {team.name}"
    )


def _sessions(staff, project, members, today, now) -> None:
    """The fresh project in two sessions (场次), two members signed up for the first."""
    first_day, second_day = today + timedelta(days=3), today + timedelta(days=10)
    first = sessions.create_session(
        staff,
        project.id,
        title="第一次：清理楼道杂物",
        starts_at=local_moment(first_day, time(9)),
        ends_at=local_moment(first_day, time(11, 30)),
        location="3栋一楼大堂集合",
        slots=6,
        now=now - timedelta(hours=10),
    )
    sessions.create_session(
        staff,
        project.id,
        title="第二次：粉刷墙面、安装感应灯",
        starts_at=local_moment(second_day, time(14)),
        ends_at=local_moment(second_day, time(17)),
        location="3栋一楼大堂集合",
        slots=4,
        now=now - timedelta(hours=10),
    )
    for member in members[1:3]:
        services.sign_up(member, project.id, first.id, now=now - timedelta(hours=2))
