"""双评议 rules: who sees which ratings, staff drafts and revisions, publication and the unit
view. Services flush; the request commits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import (
    can_manage_place,
    require_manage_community,
    require_view_member,
    visible_phone,
)
from app.auth.roles import STAFF_LIKE
from app.clock import local_today, utcnow
from app.database import get_or_404
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.params import require_id
from app.places.models import Place, Unit
from app.ratings import publication
from app.ratings import rows as R
from app.ratings.models import LEVEL_ORDER, Rating, RatingLevel, RatingRevision
from app.registrations.models import Registration, RegistrationStatus


def check_year(year: int, now: datetime | None = None) -> int:
    if year > local_today(now).year:
        raise Invalid("year", _("不能评议未来的年度"))
    return year


# ---- one member ------------------------------------------------------------------------------

def member_row(member_id: int, year: int) -> R.RatingRow:
    records = db.session.execute(R.statement(year).where(User.id == member_id)).all()
    if not records:
        raise NotFound(_("党员不存在"))
    return R.build(records, year)[0]


def member_rating(viewer: User, member_id: int, year: int) -> R.RatingRow:
    """The member himself, his community's staff (and above) and his unit's admin; anyone
    else (another member too) gets 404, as for an unknown id."""
    require_view_member(viewer, require_id(member_id, "member"))
    return member_row(member_id, year)


def revisions(rating_id: int | None) -> list[dict]:
    """The changes after publication, oldest first, each with its author's name."""
    return publication.revisions(RatingRevision, rating_id)


def _locked_rating(member_id: int, year: int) -> Rating | None:
    return db.session.scalar(sa.select(Rating).where(
        Rating.member_id == member_id, Rating.year == year).with_for_update())


def set_rating(staff: User, member_id: int, year: int, *, comment: str, level: str | None = None,
               now: datetime | None = None) -> R.RatingRow:
    """Staff over the member's community choose his level (or keep it) with a written comment.
    Before publication this is the draft (audited); after it, a RatingRevision is appended
    and the published columns stay as they were. Same level and comment again: no change."""
    if staff.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以评议"))
    member = require_view_member(staff, require_id(member_id, "member"))
    comment = (comment or "").strip()
    if not comment:
        raise Invalid("comment", _("请填写评语"))
    if level is not None and level not in LEVEL_ORDER:
        raise Invalid("level", _("等级须为以下之一：%(levels)s", levels=", ".join(LEVEL_ORDER)))
    check_year(year, now)
    now = now or utcnow()
    rating = _locked_rating(member.id, year)
    if rating is not None and rating.is_published:
        _revise(staff, rating, level or rating.level, comment, now)
    else:
        _draft(staff, member, rating, year, level, comment, now)
    db.session.flush()
    return member_row(member.id, year)


def _revise(staff: User, rating: Rating, level: str, comment: str, now: datetime) -> None:
    if not can_manage_place(staff, db.session.get(Place, rating.community_id)):
        raise Forbidden(_("评议由公布它的社区修改"))
    publication.revise(staff, rating, RatingRevision, level, comment, now, action="rating.revise",
                       detail={"member_id": rating.member_id, "year": rating.year})


def _draft(staff: User, member: User, rating: Rating | None, year: int, level: str | None,
           comment: str, now: datetime) -> None:
    home = db.session.scalar(sa.select(Registration).where(
        Registration.member_id == member.id, Registration.status == RegistrationStatus.APPROVED))
    if home is None:
        raise Conflict(_("该党员未在社区报到，无法评议"))
    if not can_manage_place(staff, db.session.get(Place, home.community_id)):
        raise Forbidden(_("不在您的管辖范围"))
    if rating is None:
        rating = Rating(member_id=member.id, year=year, community_id=home.community_id,
                        comment="", created_at=now)
        db.session.add(rating)
    elif rating.community_id != home.community_id:  # a draft of his former community
        rating.community_id, rating.level = home.community_id, None
    publication.write_draft(staff, rating, level, comment, now, action="rating.override",
                            detail={"member_id": member.id, "year": year})


# ---- publication -------------------------------------------------------------------------

def staff_community(staff: User, community_id: int) -> Place:
    if staff.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以操作"))
    return require_manage_community(staff, require_id(community_id, "community"))


def publish(staff: User, community_id: int, year: int, now: datetime | None = None) -> dict:
    """Publishes the year's ratings of every member registered with the community that has
    none published yet: a snapshot of his figures, his computed level and the level in
    force (a staff draft's, else the computed one). Published ones stay as they are."""
    community = staff_community(staff, community_id)
    check_year(year, now)
    now = now or utcnow()
    registered = sa.select(Registration.member_id).where(
        Registration.community_id == community.id, Registration.status == RegistrationStatus.APPROVED)
    publication.lock_drafts(Rating, Rating.year == year, Rating.member_id.in_(registered))
    stmt = R.statement(year).where(R.home.community_id == community.id, Rating.published_at.is_(None))
    pending = R.build(db.session.execute(stmt).all(), year, registered)
    values = [{
        "member_id": row.member_id, "year": year, "community_id": community.id, "level": row.level,
        "comment": row.comment, "computed_level": row.computed_level, "points": row.points,
        "checklist_completed": row.checklist_completed, "checklist_total": row.checklist_total,
        "hours": row.hours, "avg_satisfaction": row.avg_satisfaction,
        "satisfaction_count": row.satisfaction_count, "abandoned_claims": row.abandoned_claims,
        "published_at": now, "published_by_id": staff.id, "published_level": row.level,
        "published_comment": row.comment, "updated_at": now, "updated_by_id": staff.id,
    } for row in pending]
    pairs = list(zip(values, pending, strict=True))
    publication.write_snapshots(
        Rating, [dict(v, created_at=now, revision_count=0) for v, row in pairs if not row.rating_id],
        [(row.rating_id, {k: x for k, x in v.items() if k not in ("member_id", "year")})
         for v, row in pairs if row.rating_id])
    total = publication.published_total(Rating, Rating.community_id == community.id, Rating.year == year)
    record(staff, "rating.publish", community, {"year": year, "published": len(values)}, now=now)
    return {"community_id": community.id, "year": year, "published": len(values),
            "published_total": total, "published_at": now}


# ---- lists -------------------------------------------------------------------------------

def require_unit_admin(viewer: User, unit_id: int) -> Unit:
    """The unit's own admin (and system admins); unknown unit 404, another unit 403."""
    unit = get_or_404(Unit, unit_id, "unit")
    if viewer.role == Role.ADMIN or (viewer.role == Role.UNIT_ADMIN and viewer.unit_id == unit.id):
        return unit
    raise Forbidden(_("只能查看本单位党员"))


def unit_statement(unit_id: int, year: int, *, community_id: int | None = None,
                   q: str | None = None) -> sa.Select:
    stmt = R.statement(year).where(User.unit_id == unit_id)
    return _filters(stmt, community_id, q)


def _filters(stmt: sa.Select, community_id: int | None, q: str | None) -> sa.Select:
    if community_id:
        stmt = stmt.where(R.COMMUNITY == community_id)
    if q and q.strip():
        stmt = stmt.where(User.name.contains(q.strip()[:64], autoescape=True))
    return stmt


def unit_communities(unit_id: int, year: int) -> list[tuple[int, str]]:
    """The communities the unit's members are registered with or rated in (for the filter)."""
    members = unit_member_ids(unit_id)
    used = sa.union(
        sa.select(Registration.community_id).where(Registration.member_id.in_(members),
                                                   Registration.status == RegistrationStatus.APPROVED),
        sa.select(Rating.community_id).where(Rating.member_id.in_(members), Rating.year == year,
                                             Rating.published_at.is_not(None)))
    return [tuple(r) for r in db.session.execute(
        sa.select(Place.id, Place.name).where(Place.id.in_(used)).order_by(Place.name, Place.id))]


def unit_ratings(viewer: User, unit_id: int, year: int, *, community_id: int | None = None,
                 level: str | None = None, q: str | None = None, sort: str | None = None,
                 page: int = 1, page_size: int | None = 50) -> tuple[Unit, list[R.RatingRow], int]:
    unit = require_unit_admin(viewer, unit_id)
    stmt = unit_statement(unit.id, year, community_id=community_id, q=q)
    rows, total = R.listing(stmt, year, level=level, sort=sort, page=page, page_size=page_size,
                            id_select=unit_member_ids(unit.id))
    return unit, rows, total


def export_unit_ratings(viewer: User, unit_id: int, year: int, title: str, *,
                        community_id: int | None = None, level: str | None = None,
                        q: str | None = None, sort: str | None = None) -> tuple[Unit, bytes]:
    """The unit's ratings as an .xlsx workbook (every row the filters keep), with an audit
    record: an export carries the members' personal data out of the system."""
    from app.ratings import export

    unit, rows, total = unit_ratings(viewer, unit_id, year, community_id=community_id, level=level,
                                     q=q, sort=sort, page_size=None)
    data = export.workbook(title, rows, phone_shown(viewer), heading=f"{unit.name} · {title}")
    filters = {k: v for k, v in {"community_id": community_id, "level": level, "q": q}.items() if v}
    record(viewer, "rating.export", unit, {"year": year, "rows": total, **filters})
    return unit, data


def unit_member_ids(unit_id: int) -> sa.Select:
    return sa.select(User.id).where(User.unit_id == unit_id, User.role == Role.MEMBER,
                                    User.is_active.is_(True))


def community_statement(community_id: int, year: int, *, q: str | None = None) -> sa.Select:
    """Members registered with the community now, and those it published a rating of."""
    stmt = R.statement(year).where(User.id.in_(community_member_ids(community_id, year)),
                                   R.COMMUNITY == community_id)
    return _filters(stmt, None, q)


def community_member_ids(community_id: int, year: int) -> sa.Select:
    return sa.union(
        sa.select(Registration.member_id).where(Registration.community_id == community_id,
                                                Registration.status == RegistrationStatus.APPROVED),
        sa.select(Rating.member_id).where(Rating.community_id == community_id, Rating.year == year,
                                          Rating.published_at.is_not(None)))


def community_ratings(staff: User, community_id: int, year: int, *, level: str | None = None,
                      q: str | None = None, sort: str | None = None, page: int = 1,
                      page_size: int | None = 50) -> tuple[Place, list[R.RatingRow], int]:
    community = staff_community(staff, community_id)
    rows, total = R.listing(community_statement(community.id, year, q=q), year, level=level,
                            sort=sort, page=page, page_size=page_size,
                            id_select=_community_ids(community.id, year))
    return community, rows, total


def _community_ids(community_id: int, year: int) -> sa.Select:
    return sa.select(community_member_ids(community_id, year).subquery().c[0])


LOW_LEVELS = (RatingLevel.BASIC, RatingLevel.UNQUALIFIED)


def _summary(levels: list[str | None]) -> dict:
    counts = dict.fromkeys(LEVEL_ORDER, 0)
    for level in levels:
        if level in counts:
            counts[level] += 1
    rated = sum(counts.values())
    low = sum(counts[level] for level in LOW_LEVELS)
    return {"total": len(levels), "counts": counts, "unrated": len(levels) - rated, "low": low,
            "mostly_low": rated > 0 and 2 * low > rated}


def level_summary(staff: User, community_id: int, year: int) -> dict:
    """The community's members by level as they stand (published, or as they would be
    published now), and whether most of the rated ones would be 基本合格 or below (the sign
    of thresholds out of step with the year's service, shown before publishing)."""
    community = staff_community(staff, community_id)
    levels = R.levels(community_statement(community.id, year), _community_ids(community.id, year), year)
    return {"community_id": community.id, "year": year, **_summary(levels)}


def unit_level_summary(viewer: User, unit_id: int, year: int, *, community_id: int | None = None) -> dict:
    """The unit's members by level (the unit page's bar), as unit_ratings lists them."""
    unit = require_unit_admin(viewer, unit_id)
    levels = R.levels(unit_statement(unit.id, year, community_id=community_id),
                      unit_member_ids(unit.id), year)
    return _summary(levels)


def phone_shown(viewer: User):
    """A row's phone as `viewer` may see it (app.auth.permissions.visible_phone): for the unit
    view's readers (unit admins: masked; system admins: in full) this costs no query."""
    from types import SimpleNamespace

    def shown(row: R.RatingRow) -> str | None:
        return visible_phone(SimpleNamespace(id=row.member_id, phone=row.phone, role=Role.MEMBER,
                                             place_id=None), viewer)

    return shown
