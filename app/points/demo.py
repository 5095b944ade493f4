"""Demo data for activities, service, suggestions, households and points: `seed(ctx)`.

Works on whatever district the demo already holds (communities with staff and approved
members), through the real services, so the ledger, totals and checklist are consistent.
Idempotent: does nothing when activities exist. `ctx` may carry `now` (a datetime); returns
lines describing what it added."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from app.activities.models import Activity
from app.activities.services import create_activity, record_attendance, sign_up
from app.auth.models import Role, User
from app.database import utcnow
from app.extensions import db
from app.places.models import Place, PlaceKind
from app.registrations.models import Registration, RegistrationStatus
from app.service.services import (
    create_household,
    create_record,
    create_suggestion,
    decide_suggestion,
    pair,
    verify_record,
)

ACTIVITIES = [("垃圾分类宣传", "洁净家园"), ("敬老院探访", "关爱老人"), ("夜间平安巡逻", "守护平安"),
              ("文明交通劝导", "文明出行"), ("邻里议事会", "和睦邻里"), ("四点半课堂", "课业辅导")]
SUGGESTIONS = [("增设楼道照明", "小区东门楼道晚上太暗，建议加装声控灯。"),
               ("设置电动车充电桩", "楼下电动车飞线充电有安全隐患。"),
               ("增加社区长椅", "老人散步缺少休息的地方。")]
HOUSEHOLDS = [("张阿婆", "独居老人，需要代买生活用品"), ("李大爷", "行动不便，需要陪同就医"),
              ("王奶奶", "低保户，孙子需要课业辅导")]


def _get(ctx, key, default=None):
    if ctx is None:
        return default
    return ctx.get(key, default) if isinstance(ctx, dict) else getattr(ctx, key, default)


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Activity.id).limit(1)) is not None:
        return []
    now = _get(ctx, "now") or utcnow()
    rng = random.Random(5)
    communities = db.session.scalars(sa.select(Place).where(Place.kind == PlaceKind.COMMUNITY)
                                     .order_by(Place.id)).all()
    added = {"activities": 0, "records": 0, "suggestions": 0, "households": 0}
    for community in communities:
        staff = db.session.scalar(sa.select(User).where(User.role == Role.STAFF,
                                                        User.place_id == community.id).limit(1))
        members = db.session.scalars(
            sa.select(User).join(Registration, Registration.member_id == User.id)
            .where(Registration.community_id == community.id,
                   Registration.status == RegistrationStatus.APPROVED).order_by(User.id).limit(30)).all()
        if staff is None or not members:
            continue
        _seed_community(community, staff, members, rng, now, added)
    return [f"activities: {added['activities']}, service records: {added['records']}, "
            f"suggestions: {added['suggestions']}, needy households: {added['households']}"]


def _seed_community(community, staff, members, rng, now, added) -> None:
    for n, (title, category) in enumerate(rng.sample(ACTIVITIES, 3)):
        start = now + timedelta(days=(-10, 1, 7)[n], hours=rng.randint(0, 6))
        activity = create_activity(staff, community_id=community.id, title=title, category=category,
                                   starts_at=start, ends_at=start + timedelta(hours=2), capacity=20,
                                   location=f"{community.name}党群服务中心", now=now - timedelta(days=20))
        added["activities"] += 1
        joined = rng.sample(members, min(len(members), rng.randint(3, 8)))
        for member in joined:
            sign_up(member, activity.id, now=now - timedelta(days=15))
        if n == 0:  # the past one: most came, the rest are no-shows
            for member in joined[: max(1, len(joined) - 2)]:
                record_attendance(staff, activity.id, member.id, now=start + timedelta(hours=1))
    for member in rng.sample(members, min(len(members), 8)):
        started = now - timedelta(days=rng.randint(2, 60), hours=rng.randint(0, 10))
        rec = create_record(member, community_id=community.id, category="守护平安", started_at=started,
                            hours=rng.choice([1, 1.5, 2, 3]), description="网格巡查、清理楼道杂物",
                            checklist_item="grid_volunteer", now=started + timedelta(hours=4))
        added["records"] += 1
        roll = rng.random()
        if roll < 0.6:
            verify_record(staff, rec.id, True, now=started + timedelta(days=1))
        elif roll < 0.75:
            verify_record(staff, rec.id, False, "服务时间与网格记录不符，请补充说明",
                          now=started + timedelta(days=1))
    for n, (title, body) in enumerate(SUGGESTIONS[:2]):
        member = members[(n * 3) % len(members)]
        suggestion = create_suggestion(member, community_id=community.id, title=title, body=body,
                                       now=now - timedelta(days=12))
        added["suggestions"] += 1
        if n == 0:
            decide_suggestion(staff, suggestion.id, True, now=now - timedelta(days=5))
    for n, (name, needs) in enumerate(HOUSEHOLDS[:2]):
        household = create_household(staff, community_id=community.id, name=name,
                                     address=f"{community.name}{n + 3}栋", needs=needs,
                                     now=now - timedelta(days=30))
        added["households"] += 1
        member = members[-1 - n % len(members)]
        pair(staff, household.id, member.id, now=now - timedelta(days=29))
        if n == 0:
            started = now - timedelta(days=3)
            rec = create_record(member, community_id=community.id, category="关爱老人", started_at=started,
                                hours=2, description=f"为{name}代买生活用品、打扫卫生",
                                household_id=household.id, checklist_item="help_household",
                                now=started + timedelta(hours=3))
            verify_record(staff, rec.id, True, now=started + timedelta(days=1))
            added["records"] += 1
