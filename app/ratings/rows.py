"""One row per member and year as every ratings list shows it, computed for any number of
members in a constant number of queries: one SELECT of members (with their home community
and stored rating), then the live figures of the unpublished ones, set-based (points,
checklist, hours, satisfaction, abandoned claims) and the thresholds of their communities."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.auth.models import Role, User
from app.extensions import db
from app.orders.metrics import abandoned_claims_for, satisfaction_for
from app.places.models import Place
from app.points.checklist import completion_for
from app.points.services import totals_for
from app.ratings.levels import Figures, level_for, thresholds_for_paths
from app.ratings.models import LEVEL_LABELS, LEVEL_RANK, Rating
from app.registrations.models import Registration, RegistrationStatus
from app.service.services import hours_for

PUBLISHED, DRAFT, UNREGISTERED = "published", "draft", "unregistered"
STATUS_LABELS = {PUBLISHED: "已公布", DRAFT: "未公布", UNREGISTERED: "未报到"}


@dataclass
class RatingRow:
    member_id: int
    name: str
    phone: str | None
    year: int
    status: str
    community_id: int | None
    community_name: str | None
    level: str | None
    computed_level: str | None
    comment: str
    points: int
    checklist_completed: int
    checklist_total: int
    hours: float
    avg_satisfaction: float | None
    satisfaction_count: int
    abandoned_claims: int
    published_at: datetime | None
    revision_count: int
    rating_id: int | None = None

    @property
    def level_label(self) -> str | None:
        return LEVEL_LABELS.get(self.level) if self.level else None

    @property
    def computed_level_label(self) -> str | None:
        return LEVEL_LABELS.get(self.computed_level) if self.computed_level else None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_override(self) -> bool:
        return bool(self.level and self.computed_level and self.level != self.computed_level)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED


home = aliased(Registration, name="home")
# The community a row belongs to: the rating community once published, else the member's home.
COMMUNITY = sa.case((Rating.published_at.is_not(None), Rating.community_id),
                    else_=home.community_id)


def statement(year: int) -> sa.Select:
    """Members (active, role member) with their approved registration, their rating of `year`
    and the community of the row; callers add WHERE (unit, community, name) and ORDER BY."""
    return (sa.select(User.id.label("member_id"), User.name, User.phone,
                      home.community_id.label("home_id"), COMMUNITY.label("community_id"),
                      Place.name.label("community_name"), Place.path.label("community_path"),
                      Rating.id.label("rating_id"), Rating.community_id.label("rating_community_id"),
                      Rating.level, Rating.comment, Rating.computed_level, Rating.points,
                      Rating.checklist_completed, Rating.checklist_total, Rating.hours,
                      Rating.avg_satisfaction, Rating.satisfaction_count, Rating.abandoned_claims,
                      Rating.published_at, Rating.revision_count)
            .select_from(User)
            .outerjoin(home, sa.and_(home.member_id == User.id,
                                     home.status == RegistrationStatus.APPROVED))
            .outerjoin(Rating, sa.and_(Rating.member_id == User.id, Rating.year == year))
            .outerjoin(Place, Place.id == COMMUNITY)
            .where(User.role == Role.MEMBER, User.is_active.is_(True)))


def live_figures(member_ids: list[int], year: int) -> dict[int, Figures]:
    """Figures read now from the other domains' set-based helpers (a few queries per 5,000)."""
    if not member_ids:
        return {}
    points = totals_for(member_ids, year)
    checklist = completion_for(member_ids, year)
    hours = hours_for(member_ids, year)
    satisfaction = satisfaction_for(member_ids, year)
    abandoned = abandoned_claims_for(member_ids, year)
    return {m: Figures(points=points[m], checklist_completed=checklist[m][0],
                       checklist_total=checklist[m][1], hours=hours[m],
                       avg_satisfaction=satisfaction[m][0], satisfaction_count=satisfaction[m][1],
                       abandoned_claims=abandoned[m])
            for m in member_ids}


def _published(r, year: int) -> RatingRow:
    return RatingRow(
        member_id=r.member_id, name=r.name, phone=r.phone, year=year, status=PUBLISHED,
        community_id=r.community_id, community_name=r.community_name, level=r.level,
        computed_level=r.computed_level, comment=r.comment or "", points=r.points or 0,
        checklist_completed=r.checklist_completed or 0, checklist_total=r.checklist_total or 0,
        hours=r.hours or 0.0, avg_satisfaction=r.avg_satisfaction,
        satisfaction_count=r.satisfaction_count or 0, abandoned_claims=r.abandoned_claims or 0,
        published_at=r.published_at, revision_count=r.revision_count or 0, rating_id=r.rating_id)


def _live(r, year: int, figures: Figures, thresholds) -> RatingRow:
    registered = r.home_id is not None
    computed = level_for(figures, thresholds) if registered else None
    # A draft counts only in the community that wrote it (not after the member moved).
    draft = registered and r.rating_id is not None and r.rating_community_id == r.home_id
    return RatingRow(
        member_id=r.member_id, name=r.name, phone=r.phone, year=year,
        status=DRAFT if registered else UNREGISTERED, community_id=r.community_id,
        community_name=r.community_name, level=(draft and r.level) or computed,
        computed_level=computed, comment=(r.comment or "") if draft else "",
        points=figures.points, checklist_completed=figures.checklist_completed,
        checklist_total=figures.checklist_total, hours=figures.hours,
        avg_satisfaction=figures.avg_satisfaction, satisfaction_count=figures.satisfaction_count,
        abandoned_claims=figures.abandoned_claims, published_at=None, revision_count=0,
        rating_id=r.rating_id)


def build(records, year: int) -> list[RatingRow]:
    """RatingRows for rows of `statement(year)`, in their order."""
    live = [r for r in records if r.published_at is None]
    figures = live_figures([r.member_id for r in live], year)
    thresholds = thresholds_for_paths({r.community_path for r in live if r.home_id is not None}, year)
    return [_published(r, year) if r.published_at is not None
            else _live(r, year, figures[r.member_id], thresholds.get(r.community_path, ()))
            for r in records]


# ---- filtering, sorting, paging -------------------------------------------------------------

def _missing_last(value, descending: bool):
    if value is None:
        return (1, 0)
    return (0, -value if descending else value)


PY_SORTS = {
    "level": lambda row: LEVEL_RANK.get(row.level) if row.level else None,
    "points": lambda row: row.points,
    "checklist": lambda row: (row.checklist_completed / row.checklist_total
                              if row.checklist_total else 0),
    "hours": lambda row: row.hours,
    "satisfaction": lambda row: row.avg_satisfaction,
}
SQL_SORTS = {"name": User.name, "community": Place.name}
SORTS = tuple(SQL_SORTS) + tuple(PY_SORTS)


def parse_sort(sort: str | None) -> tuple[str, bool]:
    sort = sort or "name"
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    return (key if key in SORTS else "name"), descending


def listing(stmt: sa.Select, year: int, *, level: str | None = None, sort: str | None = None,
            page: int = 1, page_size: int | None = 50) -> tuple[list[RatingRow], int]:
    """(rows of the page, total). Sorted by name or community without a level filter, SQL pages
    and only the page's members are computed; otherwise every member of `stmt` is computed
    (set-based) and filtered, sorted and paged here. `page_size` None: every row."""
    key, descending = parse_sort(sort)
    column = SQL_SORTS.get(key, User.name)
    direction = column.desc() if descending and key in SQL_SORTS else column
    ordered = stmt.order_by(column.is_(None), direction, User.name, User.id)  # NULLs last
    if level is None and key in SQL_SORTS:
        if page_size is None:
            rows = build(db.session.execute(ordered).all(), year)
            return rows, len(rows)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
        records = db.session.execute(ordered.limit(page_size).offset((page - 1) * page_size)).all()
        return build(records, year), total or 0
    rows = build(db.session.execute(ordered).all(), year)
    if level is not None:
        rows = [row for row in rows if row.level == level]
    if key in PY_SORTS:
        value = PY_SORTS[key]
        rows.sort(key=lambda row: _missing_last(value(row), descending))
    if page_size is None:
        return rows, len(rows)
    return rows[(page - 1) * page_size: page * page_size], len(rows)
