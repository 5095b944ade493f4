"""一信一函: the feedback letter of each member to his unit, the unit's cover letter, and the
pages of letters printed at once. Only published ratings make letters."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Role, User
from app.errors import Conflict
from app.extensions import db
from app.places.models import Place, Unit
from app.ratings import rows as R
from app.ratings.models import LEVEL_ORDER, Rating
from app.ratings.services import member_rating, require_unit_admin, unit_statement


def member_letter(viewer: User, member_id: int, year: int) -> tuple[R.RatingRow, User]:
    """The feedback letter of one member: his published rating (409 before publication)."""
    row = member_rating(viewer, member_id, year)
    if not row.is_published:
        raise Conflict(_("评议尚未公布，暂不能出具反馈函"))
    return row, db.session.get(User, member_id)


def unit_letters(viewer: User, unit_id: int, year: int, *, community_id: int | None = None,
                 page: int = 1, page_size: int = 50) -> tuple[Unit, list[R.RatingRow], int]:
    """A page of the unit's members' letters (published ratings only), by community."""
    unit = require_unit_admin(viewer, unit_id)
    stmt = unit_statement(unit.id, year, community_id=community_id).where(Rating.published_at.is_not(None))
    rows, total = R.listing(stmt, year, sort="community", page=page, page_size=page_size)
    return unit, rows, total


def cover_letter(viewer: User, unit_id: int, year: int) -> dict:
    """The unit's cover letter: members, published ratings by community and level."""
    unit = require_unit_admin(viewer, unit_id)
    members = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.unit_id == unit.id, User.role == Role.MEMBER, User.is_active.is_(True))) or 0
    counts = db.session.execute(
        sa.select(Rating.community_id, Place.name, Rating.level, sa.func.count())
        .join(User, User.id == Rating.member_id).join(Place, Place.id == Rating.community_id)
        .where(User.unit_id == unit.id, User.role == Role.MEMBER, User.is_active.is_(True),
               Rating.year == year, Rating.published_at.is_not(None))
        .group_by(Rating.community_id, Place.name, Rating.level).order_by(Place.name)).all()
    communities: dict[int, dict] = {}
    for community_id, name, level, n in counts:
        entry = communities.setdefault(community_id, {"name": name, "total": 0,
                                                      "levels": dict.fromkeys(LEVEL_ORDER, 0)})
        entry["levels"][level] += n
        entry["total"] += n
    by_level = {level: sum(c["levels"][level] for c in communities.values()) for level in LEVEL_ORDER}
    published = sum(by_level.values())
    return {"unit": unit, "year": year, "members": members, "published": published,
            "unpublished": members - published, "by_level": by_level,
            "communities": list(communities.values())}
