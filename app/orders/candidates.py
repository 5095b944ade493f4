"""Candidates for an order: the members who could claim it, ranked by skills matching the
category and text, same grid, stated availability and recent load (so the same few are not
always picked), each with the reasons for its rank; and inviting one. Two queries whatever
the number of members (the members with their registration and load counts, the invitations);
the scoring is plain Python over those rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.clock import LOCAL_TZ, utcnow
from app.database import insert_unique
from app.errors import Conflict, Invalid
from app.extensions import db
from app.i18n import N_, label
from app.orders import notices
from app.orders.access import is_offered_to, viewer_for
from app.orders.models import CATEGORIES, OPEN_STATUSES, Order, OrderClaim, OrderInvitation
from app.orders.services import order_for_action
from app.orders.states import Action, add_event, claimable_status
from app.params import valid_id
from app.places.models import Place
from app.registrations.models import Registration, RegistrationStatus

LOAD_DAYS = 30
MAX_CANDIDATES = 100
WEIGHTS = {"category": 40, "text": 25, "grid": 20, "community": 10, "availability": 15,
           "open_claim": -12, "recent_claim": -4, "rested": 5}
# Words that tie a skill to a service category (a skill also matches when it names the category).
CATEGORY_WORDS = {
    "扶贫助困": ("扶贫", "助困", "帮扶", "救助", "社工"),
    "洁净家园": ("清洁", "保洁", "卫生", "环保", "垃圾", "绿化"),
    "守护平安": ("安全", "巡逻", "治安", "消防", "保安", "安保"),
    "文明出行": ("交通", "出行", "驾驶", "停车", "司机"),
    "和睦邻里": ("调解", "邻里", "沟通", "心理", "矛盾"),
    "关爱老人": ("老人", "养老", "护理", "陪护", "照护", "陪伴", "理发", "助餐"),
    "课业辅导": ("辅导", "教师", "家教", "教育", "数学", "语文", "英语", "物理"),
    "法律咨询": ("法律", "律师", "法务", "合同"),
    "医疗健康": ("医", "护士", "健康", "药", "体检", "康复"),
    "理财咨询": ("理财", "财务", "会计", "金融", "税"),
    "维修服务": ("维修", "水电", "电工", "家电", "修理", "木工"),
}
# Stated availability (作息时间) in words -> the times of week it covers.
DAY, EVENING, WEEKEND = "weekday_day", "weekday_evening", "weekend"
AVAILABILITY_WORDS = {
    "随时": {DAY, EVENING, WEEKEND}, "全天": {DAY, EVENING, WEEKEND}, "均可": {DAY, EVENING, WEEKEND},
    "周末": {WEEKEND}, "双休": {WEEKEND}, "节假日": {WEEKEND}, "休息日": {WEEKEND},
    "工作日": {DAY, EVENING}, "白天": {DAY, WEEKEND}, "上午": {DAY, WEEKEND}, "下午": {DAY, WEEKEND},
    "晚上": {EVENING, WEEKEND}, "晚间": {EVENING, WEEKEND}, "夜间": {EVENING, WEEKEND},
    "下班": {EVENING},
}
TIME_LABELS = {DAY: N_("工作日白天"), EVENING: N_("工作日晚上"), WEEKEND: N_("周末")}


@dataclass
class Candidate:
    member_id: int
    name: str
    user: User
    grid_id: int | None
    grid_name: str | None
    community_id: int | None
    skills: list[str]
    availability: str
    open_claims: int
    recent_claims: int
    invited: bool = False
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def times_needed(start: datetime, end: datetime) -> set[str]:
    """The times of week (local) between now and the deadline, hour by hour (at most 14 days)."""
    needed: set[str] = set()
    moment = start.astimezone(LOCAL_TZ)
    stop = min(end, start + timedelta(days=14)).astimezone(LOCAL_TZ)
    while moment <= stop and len(needed) < 3:
        if moment.weekday() >= 5:
            needed.add(WEEKEND)
        elif 8 <= moment.hour < 18:
            needed.add(DAY)
        elif 18 <= moment.hour < 22:
            needed.add(EVENING)
        moment += timedelta(hours=1)
    return needed


def times_stated(availability: str) -> set[str]:
    stated: set[str] = set()
    for word, times in AVAILABILITY_WORDS.items():
        if word in (availability or ""):
            stated |= times
    return stated


def skill_matches(skill: str, category: str) -> bool:
    return skill in category or category in skill or any(
        word in skill for word in CATEGORY_WORDS.get(category, ()))


def score(candidate: Candidate, order: Order, needed: set[str]) -> Candidate:
    """Fills in the candidate's score and the reasons for it (in the order they weigh)."""
    reasons, total = [], 0
    text = f"{order.title} {order.description or ''}"
    by_category = [s for s in candidate.skills if skill_matches(s, order.category)]
    if by_category:
        total += WEIGHTS["category"]
        reasons.append(_("特长「%(skills)s」对口「%(category)s」", skills=_("、").join(by_category),
                         category=label(order.category, CATEGORIES)))
    by_text = [s for s in candidate.skills if s not in by_category and len(s) >= 2 and s in text]
    if by_text:
        total += WEIGHTS["text"]
        reasons.append(_("特长「%(skills)s」与需求描述相符", skills=_("、").join(by_text)))
    if order.grid_id is not None and candidate.grid_id == order.grid_id:
        total += WEIGHTS["grid"]
        reasons.append(_("同一网格（%(grid)s）", grid=candidate.grid_name))
    elif not order.to_pool and candidate.community_id == order.community_id:
        total += WEIGHTS["community"]
        reasons.append(_("住在本社区"))
    fits = times_stated(candidate.availability) & needed
    if fits:
        total += WEIGHTS["availability"]
        reasons.append(_("空闲时间（%(times)s）在期限内",
                         times=_("、").join(_(TIME_LABELS[t]) for t in sorted(fits))))
    if candidate.open_claims:
        total += WEIGHTS["open_claim"] * candidate.open_claims
        reasons.append(_("手头有 %(n)s 单未完成", n=candidate.open_claims))
    if candidate.recent_claims:
        total += WEIGHTS["recent_claim"] * candidate.recent_claims
        reasons.append(_("近%(days)s天已领 %(n)s 单", days=LOAD_DAYS, n=candidate.recent_claims))
    elif not candidate.open_claims:
        total += WEIGHTS["rested"]
        reasons.append(_("近%(days)s天未领单，可多分担", days=LOAD_DAYS))
    if candidate.invited:
        reasons.append(_("已邀请"))
    candidate.score, candidate.reasons = total, reasons
    return candidate


def _eligible(order: Order) -> sa.Select:
    """Member ids who could claim the order: his unit's members for a unit order, else
    members registered (approved) in its community."""
    if order.unit_id is not None and not order.to_pool:
        return sa.select(User.id).where(User.role == Role.MEMBER, User.unit_id == order.unit_id,
                                        User.is_active.is_(True))
    return (sa.select(Registration.member_id).join(User, User.id == Registration.member_id)
            .where(Registration.community_id == order.community_id, User.is_active.is_(True),
                   Registration.status == RegistrationStatus.APPROVED))


def _rows(order: Order, now: datetime) -> list[Candidate]:
    eligible = _eligible(order).scalar_subquery()
    active = (sa.select(OrderClaim.member_id).where(OrderClaim.order_id == order.id,
                                                    OrderClaim.released_at.is_(None)))
    open_load = (sa.select(OrderClaim.member_id, sa.func.count().label("n"))
                 .join(Order, Order.id == OrderClaim.order_id)
                 .where(OrderClaim.released_at.is_(None), Order.status.in_(OPEN_STATUSES),
                        OrderClaim.member_id.in_(eligible))
                 .group_by(OrderClaim.member_id).subquery())
    recent_load = (sa.select(OrderClaim.member_id, sa.func.count().label("n"))
                   .where(OrderClaim.claimed_at >= now - timedelta(days=LOAD_DAYS),
                          OrderClaim.member_id.in_(eligible))
                   .group_by(OrderClaim.member_id).subquery())
    stmt = (sa.select(User, Registration.community_id, Registration.grid_id, Place.name,
                      Registration.skills, Registration.availability,
                      sa.func.coalesce(open_load.c.n, 0), sa.func.coalesce(recent_load.c.n, 0))
            .select_from(User)
            .outerjoin(Registration, sa.and_(Registration.member_id == User.id,
                                             Registration.status == RegistrationStatus.APPROVED))
            .outerjoin(Place, Place.id == Registration.grid_id)
            .outerjoin(open_load, open_load.c.member_id == User.id)
            .outerjoin(recent_load, recent_load.c.member_id == User.id)
            .where(User.id.in_(eligible), User.id.not_in(active)))
    return [Candidate(user.id, user.name, user, grid_id, grid_name, community_id,
                      [str(s) for s in (skills or [])], availability or "", int(n_open), int(n_recent))
            for user, community_id, grid_id, grid_name, skills, availability, n_open, n_recent
            in db.session.execute(stmt)]


def candidates(staff: User, order_id: int, limit: int = 20,
               now: datetime | None = None) -> tuple[Order, list[Candidate]]:
    """The order and its best `limit` candidates, highest score first; ties go to the less
    loaded, then the lower id. Staff over the order's community only (403 / 404)."""
    now = now or utcnow()
    order, _ = order_for_action(staff, order_id, Action.INVITE)
    invited = set(db.session.scalars(sa.select(OrderInvitation.member_id)
                                     .where(OrderInvitation.order_id == order.id)))
    needed = times_needed(now, max(order.deadline or now, now))
    ranked = []
    for candidate in _rows(order, now):
        candidate.invited = candidate.member_id in invited
        ranked.append(score(candidate, order, needed))
    ranked.sort(key=lambda c: (-c.score, c.open_claims, c.recent_claims, c.member_id))
    return order, ranked[:max(1, min(limit, MAX_CANDIDATES))]


def invite(staff: User, order_id: int, member_id: int, now: datetime | None = None) -> OrderInvitation:
    """Staff ask a member who could claim the order to do so: he is notified, the invitation
    and a timeline event are recorded (audited). Only while members can claim (409), once per
    member (409); someone who could not claim it is a 422 on member_id."""
    now = now or utcnow()
    order, _parties = order_for_action(staff, order_id, Action.INVITE)
    if order.status != claimable_status(order) or order.claimed_count >= order.slots \
            or (order.unit_id is None and not order.to_pool):
        raise Conflict(_("工单当前不能领取，无法邀请"))
    member = db.session.get(User, member_id) if valid_id(member_id) else None
    if member is None or not is_offered_to(viewer_for(member), order) or not member.is_active:
        raise Invalid("member_id", _("该党员不能领取此单"))
    if any(c.member_id == member.id for c in order.active_claims):
        raise Conflict(_("该党员已领取此单"))
    invitation = insert_unique(OrderInvitation(order_id=order.id, member_id=member.id,
                                               invited_by_id=staff.id, created_at=now),
                               Conflict(_("已邀请过该党员")))
    add_event(order, Action.INVITE, staff, from_status=order.status, to_status=order.status,
              note=f"邀请 {member.name} 领单", now=now)
    record(staff, "order.invite", order, {"member_id": member.id}, now=now)
    notices.invited(order, member.id, staff, now=now)
    return invitation
