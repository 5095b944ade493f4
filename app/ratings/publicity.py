"""双公示: each community's published ratings page, switched on or off by its staff, and who
may read it: the people of that community (its residents, the members registered there) and
the staff and admins over it. Anyone else gets 404, as when it is switched off."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_place
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow
from app.errors import Invalid, NotFound
from app.extensions import db
from app.params import require_id
from app.places.models import Place, PlaceKind, Unit
from app.ratings.models import (
    LEVEL_LABELS,
    LEVEL_ORDER,
    SHOWN_LEVELS,
    Rating,
    RatingPublicity,
    ShownLevels,
)
from app.ratings.services import staff_community
from app.registrations.models import Registration, RegistrationStatus


def is_public(community_id: int) -> bool:
    return bool(db.session.scalar(sa.select(RatingPublicity.is_public).where(
        RatingPublicity.community_id == community_id)))


def shown_levels(community_id: int) -> str:
    """What the community's 双公示 page shows (ShownLevels), all levels unless it chose otherwise."""
    return db.session.scalar(sa.select(RatingPublicity.shown_levels).where(
        RatingPublicity.community_id == community_id)) or ShownLevels.ALL


def set_publicity(staff: User, community_id: int, public: bool, shown: str | None = None,
                  now: datetime | None = None) -> RatingPublicity:
    """双公示 on or off, and (`shown`, when given) which levels the page shows; audited."""
    community = staff_community(staff, community_id)
    if shown is not None and shown not in set(ShownLevels):
        raise Invalid("shown_levels", _("%(field)s：不是可选的值", field="shown_levels"))
    now = now or utcnow()
    row = db.session.get(RatingPublicity, community.id)
    if row is None:
        row = RatingPublicity(community_id=community.id, is_public=False, shown_levels=ShownLevels.ALL)
        db.session.add(row)
    before = {"is_public": row.is_public, "shown_levels": row.shown_levels}
    row.is_public, row.updated_at, row.updated_by_id = public, now, staff.id
    if shown is not None:
        row.shown_levels = shown
    db.session.flush()
    record(staff, "rating.publicity", community, {"before": before["is_public"], "is_public": public,
                                                   "shown_before": before["shown_levels"],
                                                   "shown_levels": row.shown_levels}, now=now)
    return row


def can_see_public_page(viewer: User, community: Place) -> bool:
    """Who sees a community's 双公示 page: the people of that community — its residents, the
    members registered there — and the staff and admins over it. Nobody else."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.role in STAFF_LIKE:
        return can_manage_place(viewer, community)
    if viewer.role == Role.RESIDENT:
        place = db.session.get(Place, viewer.place_id) if viewer.place_id else None
        return place is not None and place.is_within(community)
    if viewer.role == Role.MEMBER:
        return db.session.scalar(sa.select(Registration.id).where(
            Registration.member_id == viewer.id, Registration.community_id == community.id,
            Registration.status == RegistrationStatus.APPROVED)) is not None
    return False


def public_community(viewer: User, community_id: int) -> Place:
    """The community whose 双公示 page the viewer may open: 404 when it is switched off or the
    viewer is not one of its people (the page's existence is not disclosed)."""
    community = db.session.get(Place, require_id(community_id, "community"))
    if community is None or community.kind != PlaceKind.COMMUNITY:
        raise NotFound(_("社区不存在"))
    if not is_public(community.id) or not can_see_public_page(viewer, community):
        raise NotFound(_("页面未公开"))
    return community


def publicity(staff: User, community_id: int) -> dict:
    community = staff_community(staff, community_id)
    return {"community_id": community.id, "is_public": is_public(community.id),
            "shown_levels": shown_levels(community.id)}


def public_page(community_id: int, year: int, page: int = 1, page_size: int = 50) -> tuple[list[dict], int]:
    """The community's published ratings of the year, best level first, then by name (name,
    unit and level only: comments and figures are for the member and his unit); only the
    levels the community chose to show (shown_levels)."""
    where = (Rating.community_id == community_id, Rating.year == year, Rating.published_at.is_not(None),
             Rating.level.in_(SHOWN_LEVELS[ShownLevels(shown_levels(community_id))]))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Rating).where(*where)) or 0
    rank = sa.case({level: n for n, level in enumerate(LEVEL_ORDER)}, value=Rating.level, else_=99)
    rows = db.session.execute(
        sa.select(Rating.member_id, User.name, Unit.name.label("unit_name"), Rating.level,
                  Rating.published_at, Rating.revision_count)
        .join(User, User.id == Rating.member_id).outerjoin(Unit, Unit.id == User.unit_id)
        .where(*where).order_by(rank, User.name, Rating.member_id)
        .limit(page_size).offset((page - 1) * page_size))
    return [{**row._mapping, "level_label": LEVEL_LABELS[row.level]} for row in rows], total


def own_public_community(viewer: User) -> Place | None:
    """The viewer's own community (a resident's, an approved member's) while its 双公示 page is
    switched on: where the home page links to it. None otherwise."""
    community = None
    if viewer.role == Role.RESIDENT and viewer.place_id:
        place = db.session.get(Place, viewer.place_id)
        while place is not None and place.kind == PlaceKind.GRID:
            place = db.session.get(Place, place.parent_id) if place.parent_id else None
        community = place if place is not None and place.kind == PlaceKind.COMMUNITY else None
    elif viewer.role == Role.MEMBER:
        community = db.session.scalar(sa.select(Place).join(
            Registration, Registration.community_id == Place.id).where(
            Registration.member_id == viewer.id, Registration.status == RegistrationStatus.APPROVED))
    return community if community is not None and is_public(community.id) else None
