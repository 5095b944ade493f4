"""Demo data for 表彰: in the first community, one 服务标兵 granted after its publicity period
and one 优秀在职党员 on public notice now (nominated by staff, approved by the street admin).
Idempotent: nothing once any honour exists. Runs after the points are paid."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import Role, User
from app.clock import utcnow
from app.extensions import db
from app.honours import services
from app.honours.models import Honour
from app.places.models import Place
from app.points.models import PointsTotal
from app.registrations.models import Registration, RegistrationStatus


def _first(*where) -> User | None:
    return db.session.scalar(sa.select(User).where(*where).order_by(User.id).limit(1))


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Honour.id).limit(1)) is not None:
        return []
    now = (ctx or {}).get("now") or utcnow()
    for community in db.session.scalars(sa.select(Place).where(Place.kind == "community").order_by(Place.id)):
        staff = _first(User.role == Role.STAFF, User.place_id == community.id)
        street_admin = _first(User.role == Role.STREET_ADMIN, User.place_id == community.parent_id)
        best = db.session.scalars(
            sa.select(Registration.member_id)
            .outerjoin(PointsTotal, PointsTotal.member_id == Registration.member_id)
            .where(Registration.community_id == community.id,
                   Registration.status == RegistrationStatus.APPROVED)
            .order_by(sa.func.coalesce(PointsTotal.total, 0).desc(), Registration.member_id).limit(2)).all()
        if staff is None or street_admin is None or len(best) < 2:
            continue
        earlier = now - timedelta(days=10)
        star = services.nominate(staff, kind="service_star", member_id=best[0], now=earlier,
                                 reasons="全年参加志愿服务次数居社区首位，认领群众点单及时，群众评价好。")
        services.decide(street_admin, star.id, "approve", now=earlier)
        services.decide(street_admin, star.id, "grant", "公示期满无异议", now=now - timedelta(days=3))
        notice = services.nominate(staff, kind="excellent_member", member_id=best[1],
                                   reasons="结对帮扶困难户三户，坚持每月上门走访。", now=now)
        services.decide(street_admin, notice.id, "approve", now=now)
        return ["表彰: 1 项已授予, 1 项公示中"]
    return []
