"""单位评议, the other half of 双评议: each community rates, yearly, the units serving it (those
that reported to it, 组织报到) from its figures — the unit's members registered there and the
share that served, the needs sent to it (accepted, on time), projects delivered, residents'
satisfaction — with a suggested level (the member ratings' levels) and a written comment by
staff. Publication freezes a snapshot; later changes are revisions (app/ratings/publication.py,
as for members); published ratings show at both ends (the unit's page, the community's 双公示
page). Services flush; the request commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_place, require_manage_community
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.notifications.services import notify
from app.params import require_id
from app.places.models import Place, Unit
from app.projects.services import delivered_counts
from app.ratings import publication
from app.ratings.levels import DEFAULT_THRESHOLDS, Threshold, thresholds_for_paths, unit_level_for
from app.ratings.models import LEVEL_LABELS, LEVEL_ORDER, UnitRating, UnitRatingRevision
from app.ratings.performance import score
from app.ratings.services import check_year, staff_community
from app.ratings.unit_figures import MemberSums, OrderSums, member_sums, order_sums
from app.registrations.models import UnitRegistration

PROJECT_BONUS, PROJECT_BONUS_MAX = 5, 10  # points per project delivered, at most


def suggested_level(
    value: float | None, thresholds: tuple[Threshold, ...] = DEFAULT_THRESHOLDS
) -> str | None:
    """The best level whose cut-off (0-100) the score reaches: the community's street's or
    district's set for the year (their min_unit_score, app/ratings/thresholds.py), else the
    defaults (90/80/65/50). None when no figure is known (no members there, no needs, no
    projects)."""
    return unit_level_for(value, thresholds)


def unit_score(members: MemberSums, needs: OrderSums, projects: int) -> float | None:
    """The mean of the known rates — members' service rate, acceptance, on time, satisfaction
    (of 5), not reopened — as 0-100, plus PROJECT_BONUS per project delivered (at most
    PROJECT_BONUS_MAX; capped at 100)."""
    base = score(
        members.service_rate,
        needs.acceptance_rate,
        needs.on_time_rate,
        None if needs.satisfaction is None else needs.satisfaction / 5,
        None if needs.reopened_rate is None else 1 - needs.reopened_rate,
    )
    if base is None and not projects:
        return None
    return min(
        100.0, round((base if base is not None else 0) + min(PROJECT_BONUS_MAX, PROJECT_BONUS * projects), 1)
    )


def figures_for(pairs: list[tuple[int, int]], year: int, now: datetime) -> dict[tuple[int, int], dict]:
    """{(unit_id, community_id): figures} for many pairs at once: a fixed number of statements."""
    if not pairs:
        return {}
    unit_ids = {u for u, _ in pairs}
    communities = sa.select(Place.id).where(Place.id.in_(sorted({c for _, c in pairs})))
    members = member_sums(unit_ids, year, communities)
    needs = order_sums(("unit", "community"), year, now, communities=communities, unit_ids=unit_ids)
    projects = delivered_counts(unit_ids, year)  # co-building projects closed in the year
    out = {}
    for pair in pairs:
        m, n, p = members.get(pair, MemberSums()), needs.get(pair, OrderSums()), projects.get(pair[0], 0)
        out[pair] = {
            "members_registered": m.registered,
            "members_served": m.served,
            "service_rate": m.service_rate,
            **n.as_dict(),
            "projects_delivered": p,
            "score": unit_score(m, n, p),
        }
    return out


@dataclass
class UnitRatingRow:
    unit_id: int
    unit_name: str
    community_id: int
    community_name: str
    year: int
    figures: dict
    computed_level: str | None
    level: str | None
    comment: str = ""
    status: str = "draft"
    rating_id: int | None = None
    published_at: datetime | None = None
    revision_count: int = 0
    revisions: list = field(default_factory=list)

    @property
    def level_label(self) -> str | None:
        return _(LEVEL_LABELS[self.level]) if self.level else None

    @property
    def is_override(self) -> bool:
        return self.level is not None and self.level != self.computed_level


def _rows(pairs: list[tuple[int, int]], year: int, now: datetime) -> list[UnitRatingRow]:
    """A row per (unit, community): the published snapshot, else the draft with live figures."""
    if not pairs:
        return []
    ratings = {
        (r.unit_id, r.community_id): r
        for r in db.session.scalars(
            sa.select(UnitRating).where(
                UnitRating.year == year, sa.tuple_(UnitRating.unit_id, UnitRating.community_id).in_(pairs)
            )
        )
    }
    names = dict(
        db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_({u for u, _ in pairs}))).all()
    )
    places = {
        place_id: (name, path)
        for place_id, name, path in db.session.execute(
            sa.select(Place.id, Place.name, Place.path).where(Place.id.in_({c for _, c in pairs}))
        )
    }
    live_pairs = [p for p in pairs if not (p in ratings and ratings[p].is_published)]
    live = figures_for(live_pairs, year, now)
    cutoffs = thresholds_for_paths({places.get(c, ("", None))[1] for _, c in live_pairs}, year)
    rows = []
    for pair in pairs:
        r = ratings.get(pair)
        if r is not None and r.is_published:
            figures, computed, level, status = r.figures or {}, r.computed_level, r.level, "published"
        else:
            figures = live[pair]
            computed = suggested_level(figures["score"], cutoffs[places.get(pair[1], ("", None))[1]])
            level, status = (r.level if r is not None and r.level else computed), "draft"
        rows.append(
            UnitRatingRow(
                unit_id=pair[0],
                unit_name=names.get(pair[0], ""),
                community_id=pair[1],
                community_name=places.get(pair[1], ("", None))[0],
                year=year,
                figures=figures,
                computed_level=computed,
                level=level,
                comment=r.comment if r is not None else "",
                status=status,
                rating_id=r.id if r is not None else None,
                published_at=r.published_at if r is not None else None,
                revision_count=r.revision_count if r is not None else 0,
            )
        )
    return rows


# ---- who may see and change ------------------------------------------------------------------


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, require_id(unit_id, "unit"))
    if unit is None:
        raise NotFound(_("单位不存在"))
    return unit


def serves(unit_id: int, community_id: int) -> bool:
    """Whether the community rates the unit: it reported there (组织报到) or was rated there."""
    reported = sa.select(UnitRegistration.id).where(
        UnitRegistration.unit_id == unit_id, UnitRegistration.community_id == community_id
    )
    rated = sa.select(UnitRating.id).where(
        UnitRating.unit_id == unit_id, UnitRating.community_id == community_id
    )
    return db.session.scalar(sa.select(sa.or_(sa.exists(reported), sa.exists(rated)))) or False


def _readable(viewer: User, unit_id: int, community_id: int) -> tuple[Unit, Place]:
    """Staff over the community, the unit's own admin, system admins. Unknown unit or community
    404; a unit admin of another unit, staff of another community 403; a unit not serving the
    community 404."""
    unit = _unit(unit_id)
    if viewer.role == Role.UNIT_ADMIN:
        if viewer.unit_id != unit.id:
            raise Forbidden(_("只能查看本单位的评议"))
        community = db.session.get(Place, require_id(community_id, "community"))
        if community is None or community.kind != "community":
            raise NotFound(_("社区不存在"))
    elif viewer.role in STAFF_LIKE:
        community = require_manage_community(viewer, require_id(community_id, "community"))
    else:
        raise Forbidden(_("无权查看单位评议"))
    if not serves(unit.id, community.id):
        raise NotFound(_("该单位未到本社区报到"))
    return unit, community


def unit_rating(
    viewer: User, unit_id: int, community_id: int, year: int, now: datetime | None = None
) -> UnitRatingRow:
    unit, community = _readable(viewer, unit_id, community_id)
    row = _rows([(unit.id, community.id)], year, now or utcnow())[0]
    row.revisions = publication.revisions(UnitRatingRevision, row.rating_id)
    return row


def set_unit_rating(
    staff: User,
    unit_id: int,
    community_id: int,
    year: int,
    *,
    comment: str,
    level: str | None = None,
    now: datetime | None = None,
) -> UnitRatingRow:
    """Staff over the community choose the unit's level (or keep the suggested one) with a
    written comment: a draft before publication (audited), a revision after it (the published
    values stay). Same level and comment again: no change."""
    if staff.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以评议单位"))
    unit, community = _readable(staff, unit_id, community_id)
    comment = (comment or "").strip()
    if not comment:
        raise Invalid("comment", _("请填写评语"))
    if level is not None and level not in LEVEL_ORDER:
        raise Invalid("level", _("等次无效"))
    check_year(year, now)
    now = now or utcnow()
    rating = db.session.scalar(
        sa.select(UnitRating)
        .where(
            UnitRating.unit_id == unit.id, UnitRating.community_id == community.id, UnitRating.year == year
        )
        .with_for_update()
    )
    detail = {"unit_id": unit.id, "community_id": community.id, "year": year}
    if rating is not None and rating.is_published:
        publication.revise(
            staff,
            rating,
            UnitRatingRevision,
            level or rating.level,
            comment,
            now,
            action="unit_rating.revise",
            detail=detail,
        )
    else:
        if rating is None:
            rating = UnitRating(
                unit_id=unit.id,
                community_id=community.id,
                year=year,
                comment="",
                created_at=now,
                revision_count=0,
            )
            db.session.add(rating)
        publication.write_draft(
            staff, rating, level, comment, now, action="unit_rating.override", detail=detail
        )
    db.session.flush()
    return unit_rating(staff, unit.id, community.id, year, now)


# ---- a community's units and publication -------------------------------------------------------


def serving_units(community_id: int, year: int) -> list[int]:
    """Units reported to the community, and those it rated that year, by name."""
    reported = sa.select(UnitRegistration.unit_id).where(UnitRegistration.community_id == community_id)
    rated = sa.select(UnitRating.unit_id).where(
        UnitRating.community_id == community_id, UnitRating.year == year
    )
    return list(
        db.session.scalars(
            sa.select(Unit.id)
            .where(sa.or_(Unit.id.in_(reported), Unit.id.in_(rated)))
            .order_by(Unit.name, Unit.id)
        )
    )


def community_unit_ratings(
    staff: User, community_id: int, year: int, page: int = 1, page_size: int = 50, now: datetime | None = None
) -> tuple[Place, list, int]:
    community = staff_community(staff, community_id)
    units = serving_units(community.id, year)
    chosen = units[(page - 1) * page_size : page * page_size]
    return community, _rows([(u, community.id) for u in chosen], year, now or utcnow()), len(units)


def publish_unit_ratings(staff: User, community_id: int, year: int, now: datetime | None = None) -> dict:
    """Publishes the year's ratings of every unit serving the community that has none published
    and has a level (staff's, else the suggested one): a snapshot of its figures, the suggested
    level and the level in force. Published ones stay as they are; audited; the units' admins are
    told (a notification)."""
    community = staff_community(staff, community_id)
    check_year(year, now)
    now = now or utcnow()
    publication.lock_drafts(UnitRating, UnitRating.community_id == community.id, UnitRating.year == year)
    pending = [
        row
        for row in _rows([(u, community.id) for u in serving_units(community.id, year)], year, now)
        if row.status == "draft" and row.level
    ]
    values = [
        (
            row,
            {
                "level": row.level,
                "comment": row.comment,
                "computed_level": row.computed_level,
                "figures": row.figures,
                "published_at": now,
                "published_by_id": staff.id,
                "published_level": row.level,
                "published_comment": row.comment,
                "updated_at": now,
                "updated_by_id": staff.id,
            },
        )
        for row in pending
    ]
    publication.write_snapshots(
        UnitRating,
        [
            dict(
                v, unit_id=row.unit_id, community_id=community.id, year=year, created_at=now, revision_count=0
            )
            for row, v in values
            if not row.rating_id
        ],
        [(row.rating_id, v) for row, v in values if row.rating_id],
    )
    total = publication.published_total(
        UnitRating, UnitRating.community_id == community.id, UnitRating.year == year
    )
    record(staff, "unit_rating.publish", community, {"year": year, "published": len(values)}, now=now)
    admins = db.session.scalars(
        sa.select(User.id).where(
            User.role == Role.UNIT_ADMIN,
            User.is_active.is_(True),
            User.unit_id.in_(sorted({row.unit_id for row, _ in values})),
        )
    )
    notify(
        list(admins),
        kind="unit_rating_published",
        title=f"{community.name}已公布对本单位的{year}年度评议",
        link=f"/unit/community-ratings?year={year}",
        now=now,
    )
    return {
        "community_id": community.id,
        "year": year,
        "published": len(values),
        "published_total": total,
        "published_at": now,
    }


# ---- published at both ends (双公示) -------------------------------------------------------------


def published(
    year: int,
    *,
    unit_id: int | None = None,
    community_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[dict], int]:
    """Published unit ratings of the year at one end: a unit's (every community that rated it)
    or a community's (every unit it rated); best level first, then by name."""
    where = [UnitRating.year == year, UnitRating.published_at.is_not(None)]
    if unit_id is not None:
        where.append(UnitRating.unit_id == unit_id)
    if community_id is not None:
        where.append(UnitRating.community_id == community_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(UnitRating).where(*where)) or 0
    rank = sa.case({level: n for n, level in enumerate(LEVEL_ORDER)}, value=UnitRating.level, else_=99)
    rows = db.session.execute(
        sa.select(
            UnitRating.unit_id,
            Unit.name.label("unit_name"),
            UnitRating.community_id,
            Place.name.label("community_name"),
            UnitRating.level,
            UnitRating.published_at,
            UnitRating.revision_count,
        )
        .join(Unit, Unit.id == UnitRating.unit_id)
        .join(Place, Place.id == UnitRating.community_id)
        .where(*where)
        .order_by(rank, Unit.name, Place.name, UnitRating.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return [{**row._mapping, "level_label": _(LEVEL_LABELS[row.level])} for row in rows], total


def unit_published(
    viewer: User, unit_id: int, year: int, page: int = 1, page_size: int = 50
) -> tuple[Unit, list[dict], int]:
    """The unit's end: its own admin (and system admins); another unit 403."""
    unit = _unit(unit_id)
    if not (viewer.role == Role.ADMIN or (viewer.role == Role.UNIT_ADMIN and viewer.unit_id == unit.id)):
        raise Forbidden(_("只能查看本单位的评议"))
    items, total = published(year, unit_id=unit.id, page=page, page_size=page_size)
    return unit, items, total


def can_rate(viewer: User, community: Place) -> bool:
    return viewer.role in STAFF_LIKE and can_manage_place(viewer, community)
