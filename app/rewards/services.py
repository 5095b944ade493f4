"""积分兑换: staff keep a catalogue per community or street; members redeem with their spend
balance (app/points/spending.py); staff hand items over or cancel (a refund).

Safe under concurrency and retries: a redemption row is inserted first under a unique
(member, request_key), so a double submit finds the first and spends once; the spend is one
conditional UPDATE of the member's balance row (which also serialises one member's
redemptions, so the per-member limit holds); the stock is one conditional UPDATE
(`stock > 0`), so the last item goes to one member. Any refusal raises and the request's
transaction rolls back whole. Services flush; the caller commits."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_member, can_manage_place, place_scope, require_manage_place
from app.auth.roles import STAFF_LIKE
from app.clock import local_today, utcnow
from app.database import insert_unique
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.notifications.services import notify
from app.places.models import Place, PlaceKind
from app.places.services import get_place, get_unit
from app.points import spending
from app.registrations.services import active_registration
from app.rewards.models import Redemption, RedemptionStatus, Reward

MANAGERS = STAFF_LIKE
OFFERING_KINDS = (PlaceKind.COMMUNITY, PlaceKind.STREET, PlaceKind.DISTRICT)
# (state, action) → next state. Who may act: `fulfil` staff over the reward or the member;
# `cancel` the same, or the member himself while the item waits.
TRANSITIONS = {
    (RedemptionStatus.REQUESTED, "fulfil"): RedemptionStatus.FULFILLED,
    (RedemptionStatus.REQUESTED, "cancel"): RedemptionStatus.CANCELLED,
}
ACTIONS = ("fulfil", "cancel")


def create_reward(actor: User, *, place_id: int, name: str, points: int, stock: int,
                  per_member_limit: int = 1, description: str = "", starts_on: date | None = None,
                  ends_on: date | None = None, unit_id: int | None = None) -> Reward:
    """A new catalogue item of a community, street or district inside the actor's scope."""
    place = require_manage_place(actor, get_place(place_id))
    if place.kind not in OFFERING_KINDS:
        raise Invalid("place_id", _("请选择社区、街道或全区"))
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid("ends_on", _("结束日期不能早于开始日期"))
    if unit_id is not None:
        get_unit(unit_id)
    reward = Reward(place_id=place.id, unit_id=unit_id, name=name, description=description or "",
                    points=points, stock=stock, per_member_limit=per_member_limit,
                    starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id)
    db.session.add(reward)
    db.session.flush()
    record(actor, "reward.create", reward, {"name": name, "points": points, "stock": stock,
                                            "place_id": place.id})
    return reward


def _member_places(member_id: int) -> list[int]:
    """The places whose rewards the member may redeem: his approved community and above."""
    reg = active_registration(member_id)
    if reg is None:
        return []
    return db.session.get(Place, reg.community_id).ancestor_ids()


def rewards_query(viewer: User, *, today: date | None = None):
    """The catalogue the viewer sees: a member, the active rewards of his community, street and
    district within their period; staff and admins, the rewards inside their scope; others none."""
    stmt = sa.select(Reward).order_by(Reward.points, Reward.id)
    if viewer.role == Role.MEMBER:
        today = today or local_today()
        return stmt.where(Reward.place_id.in_(_member_places(viewer.id) or [0]), Reward.is_active,
                          sa.or_(Reward.starts_on.is_(None), Reward.starts_on <= today),
                          sa.or_(Reward.ends_on.is_(None), Reward.ends_on >= today))
    if viewer.role in MANAGERS:
        return stmt.where(place_scope(viewer, Reward.place_id))
    return stmt.where(sa.false())


def visible_reward(viewer: User, reward_id: int) -> Reward:
    reward = db.session.scalar(rewards_query(viewer).where(Reward.id == reward_id))
    if reward is None:
        raise NotFound(_("兑换物品不存在"))
    return reward


def _existing(member_id: int, request_key: str) -> Redemption | None:
    return db.session.scalar(sa.select(Redemption).where(Redemption.member_id == member_id,
                                                         Redemption.request_key == request_key))


def redeem(member: User, reward_id: int, request_key: str | None = None,
           now: datetime | None = None) -> tuple[Redemption, bool]:
    """Redeems one item for the member: (the redemption, True), or (the first one, False) for a
    repeated `request_key`. 409 when the balance, the stock or the member's limit is short."""
    if member.role != Role.MEMBER:
        raise NotFound(_("兑换物品不存在"))
    reward = visible_reward(member, reward_id)
    key = request_key or uuid.uuid4().hex
    earlier = _existing(member.id, key)
    if earlier is not None:
        return earlier, False
    now = now or utcnow()
    redemption = Redemption(reward_id=reward.id, member_id=member.id, points=reward.points,
                            request_key=key, created_at=now)
    if insert_unique(redemption) is None:  # a concurrent double submit waits here, then finds it
        return _existing(member.id, key), False
    spending.spend(member.id, reward.points, key=f"redemption:{redemption.id}",
                   source_type="redemption", source_id=redemption.id, now=now)
    mine = db.session.scalar(sa.select(sa.func.count()).select_from(Redemption).where(
        Redemption.reward_id == reward.id, Redemption.member_id == member.id,
        Redemption.status != RedemptionStatus.CANCELLED))
    if mine > reward.per_member_limit:
        raise Conflict(_("每人限兑 %(n)s 件", n=reward.per_member_limit))
    taken = db.session.execute(sa.update(Reward).where(Reward.id == reward.id, Reward.stock > 0)
                               .values(stock=Reward.stock - 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise Conflict(_("该物品已兑完"))
    db.session.expire(reward, ["stock"])
    return redemption, True


def redemptions_query(viewer: User, status: str | None = None):
    """A member's own redemptions; staff's, those of rewards inside their scope; newest first."""
    stmt = sa.select(Redemption).join(Reward).order_by(Redemption.id.desc())
    if status:
        stmt = stmt.where(Redemption.status == status)
    if viewer.role == Role.MEMBER:
        return stmt.where(Redemption.member_id == viewer.id)
    if viewer.role in MANAGERS:
        return stmt.where(place_scope(viewer, Reward.place_id))
    return stmt.where(sa.false())


def _may_act(actor: User, redemption: Redemption, action: str) -> bool:
    if action == "cancel" and actor.id == redemption.member_id:
        return True
    return can_manage_place(actor, redemption.reward.place) or can_manage_member(actor, redemption.member)


def decide(actor: User, redemption_id: int, action: str, now: datetime | None = None) -> Redemption:
    """`fulfil` (handed over) or `cancel` (points and stock given back, once) a waiting
    redemption. 404 for one the actor may not act on, 409 in a state that does not allow it."""
    redemption = db.session.get(Redemption, redemption_id)
    if redemption is None or action not in ACTIONS or not _may_act(actor, redemption, action):
        raise NotFound(_("兑换记录不存在"))
    target = TRANSITIONS.get((redemption.status, action))
    if target is None:
        raise Conflict(_("该兑换记录已处理"))
    now = now or utcnow()
    moved = db.session.execute(
        sa.update(Redemption).where(Redemption.id == redemption.id, Redemption.status == redemption.status)
        .values(status=target, decided_at=now, decided_by_id=actor.id)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_("该兑换记录已处理"))
    if target == RedemptionStatus.CANCELLED:
        spending.refund(redemption.member_id, redemption.points, key=f"refund:{redemption.id}",
                        source_type="redemption", source_id=redemption.id, now=now)
        db.session.execute(sa.update(Reward).where(Reward.id == redemption.reward_id)
                           .values(stock=Reward.stock + 1).execution_options(synchronize_session=False))
    db.session.expire(redemption)
    if actor.id != redemption.member_id:
        record(actor, f"redemption.{action}", redemption, {"reward": redemption.reward.name,
                                                          "member_id": redemption.member_id})
        title = (_("您兑换的“%(name)s”已发放", name=redemption.reward.name) if action == "fulfil"
                 else _("您兑换的“%(name)s”已取消，积分已退回", name=redemption.reward.name))
        notify([redemption.member_id], kind="redemption", title=title, link="/rewards", now=now)
    return redemption
