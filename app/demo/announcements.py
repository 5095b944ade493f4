"""Demo data for 通知公告: one district-wide announcement (pinned), one per street and one per
community, posted by their admins and staff. Idempotent: nothing once any exists."""
from __future__ import annotations

import sqlalchemy as sa

from app.announcements import services
from app.announcements.models import Announcement
from app.auth.models import Role, User
from app.extensions import db
from app.places.models import Place


def _poster(role: str, place_id: int | None = None) -> User | None:
    stmt = sa.select(User).where(User.role == role)
    if place_id is not None:
        stmt = stmt.where(User.place_id == place_id)
    return db.session.scalar(stmt.order_by(User.id).limit(1))


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Announcement.id).limit(1)) is not None:
        return []
    posted = 0
    admin = _poster(Role.ADMIN)
    district = db.session.scalar(sa.select(Place).where(Place.kind == "district").order_by(Place.id).limit(1))
    if admin is not None and district is not None:
        services.post(admin, place_id=district.id, is_pinned=True,
                      title="关于开展在职党员“双报到”年度评议的通知",
                      body="各社区党组织：请于12月底前完成本年度在职党员双评议，评议结果在社区公示。")
        posted += 1
    for street in db.session.scalars(sa.select(Place).where(Place.kind == "street").order_by(Place.id)):
        poster = _poster(Role.STREET_ADMIN, street.id)
        if poster is not None:
            services.post(poster, place_id=street.id, title=f"{street.name}冬季消防安全志愿服务招募",
                          body="本周六上午9点在街道党群服务中心集合，欢迎在职党员报名参加。")
            posted += 1
    for community in db.session.scalars(sa.select(Place).where(Place.kind == "community").order_by(Place.id)):
        poster = _poster(Role.STAFF, community.id)
        if poster is not None:
            services.post(poster, place_id=community.id,
                          title=f"{community.name}党务公开：第四季度党费收缴情况",
                          body="本季度党费已全部收缴并按规定上缴，详细情况请到社区党群服务中心查阅。")
            posted += 1
    return [f"通知公告: {posted} 条"]
