"""Demo service: records (verified, rejected, waiting), suggestions and needy households paired
with members, per community; through the real services, so the ledger, totals and checklist are
consistent. Idempotent: does nothing when service records exist. Returns the lines to print."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from app.clock import utcnow
from app.demo.registrations import communities_with_staff_and_members
from app.extensions import db
from app.service.models import ServiceRecord
from app.service.services import (
    create_household,
    create_record,
    create_suggestion,
    decide_suggestion,
    pair,
    verify_record,
)

SUGGESTIONS = [("增设楼道照明", "小区东门楼道晚上太暗，建议加装声控灯。"),
               ("设置电动车充电桩", "楼下电动车飞线充电有安全隐患。"),
               ("增加社区长椅", "老人散步缺少休息的地方。")]
HOUSEHOLDS = [("张阿婆", "独居老人，需要代买生活用品"), ("李大爷", "行动不便，需要陪同就医"),
              ("王奶奶", "低保户，孙子需要课业辅导")]


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(ServiceRecord.id).limit(1)) is not None:
        return []
    now = (ctx or {}).get("now") or utcnow()
    rng = random.Random(6)
    added = {"records": 0, "suggestions": 0, "households": 0}
    for community, staff, members in communities_with_staff_and_members():
        _seed_community(community, staff, members, rng, now, added)
    return [f"service records: {added['records']}, suggestions: {added['suggestions']}, "
            f"needy households: {added['households']}"]


def _seed_community(community, staff, members, rng, now, added) -> None:
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
