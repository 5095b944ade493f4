"""One row per member and year as every ratings list shows it, computed for any number of
members in a constant number of queries: one SELECT of members (with their home community
and stored rating), then the live figures of the unpublished ones, set-based (points,
checklist, hours of service and of co-building projects, satisfaction, abandoned claims) and
the thresholds of their communities."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.auth.models import Role, User
from app.extensions import db
from app.i18n import N_, pinyin_key
from app.orders.metrics import abandoned_claims_for, satisfaction_for
from app.places.models import Place
from app.points.checklist import DEFAULT_SPECS, completion_for
from app.points.services import totals_for
from app.projects.services import hours_for as project_hours_for
from app.ratings.levels import Figures, level_for, thresholds_for_paths
from app.ratings.models import LEVEL_LABELS, LEVEL_RANK, Rating
from app.registrations.models import Registration, RegistrationStatus
from app.service.services import hours_for as service_hours_for

PUBLISHED, DRAFT, UNREGISTERED = "published", "draft", "unregistered"
DEFAULT_TOTAL = len(DEFAULT_SPECS)
STATUS_LABELS = {PUBLISHED: N_("已公布"), DRAFT: N_("未公布"), UNREGISTERED: N_("未报到")}


@dataclass(slots=True)
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
    and the community of the row; callers add WHERE (unit, community, name) and ORDER BY.
    build() unpacks the columns by position: keep their order in step with it."""
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


def hours_for(member_ids, year: int) -> dict[int, float]:
    """Verified hours of the year: service records (by the service's start) plus the hours
    credited by the co-building projects that closed in it; one grouped query each, whatever
    the number of members (`member_ids` a list or a SELECT of ids, as the helpers take)."""
    hours = service_hours_for(member_ids, year)
    for member_id, extra in project_hours_for(member_ids, year).items():
        if extra:
            hours[member_id] = hours.get(member_id, 0.0) + extra
    return hours


SELECT_ABOVE = 500  # live rows above which the helpers get a SELECT of ids, not an IN list
HELPERS = {"points": totals_for, "checklist": completion_for, "hours": hours_for,
           "satisfaction": satisfaction_for, "abandoned": abandoned_claims_for}
LEVEL_NEEDS = ("points", "checklist", "satisfaction", "abandoned")
# Positions in a row of statement(): build() and the sorts unpack rows by position, which costs
# far less than attribute access when there are thousands.
MEMBER, NAME, HOME, PATH, LEVEL, POINTS, DONE, TOTAL, HOURS, SATISFACTION, PUBLISHED_AT = (
    0, 1, 3, 6, 9, 12, 13, 14, 15, 16, 19)


def _unpublished(id_select: sa.Select, year: int) -> sa.Select:
    column = id_select.selected_columns[0]
    return id_select.where(~sa.exists().where(Rating.member_id == column, Rating.year == year,
                                              Rating.published_at.is_not(None)))


def read_figures(member_ids: list[int], year: int, id_select: sa.Select | None = None,
                 wanted=tuple(HELPERS)) -> dict[str, dict]:
    """{figure: {member_id: value}} read now from the other domains' set-based helpers (a few
    queries per 5,000 ids). With many ids and `id_select` (a SELECT of at least these ids)
    the helpers run on that SELECT, less its published members: faster than a long IN list.
    A member missing from a figure has its default (see figures_of)."""
    if not member_ids:
        return {name: {} for name in wanted}
    source = member_ids
    if id_select is not None and len(member_ids) > SELECT_ABOVE:
        source = _unpublished(id_select, year)
    return {name: HELPERS[name](source, year) for name in wanted}


def figures_of(data: dict[str, dict], member_id: int) -> Figures:
    done, total = data.get("checklist", {}).get(member_id, (0, DEFAULT_TOTAL))
    satisfaction, rated = data.get("satisfaction", {}).get(member_id, (None, 0))
    return Figures(points=data.get("points", {}).get(member_id, 0), checklist_completed=done,
                   checklist_total=total, hours=data.get("hours", {}).get(member_id, 0.0),
                   avg_satisfaction=satisfaction, satisfaction_count=rated,
                   abandoned_claims=data.get("abandoned", {}).get(member_id, 0))


def live_level(record, figures: Figures, thresholds) -> tuple[str | None, str | None]:
    """(level in force, computed level) of an unpublished row: staff's draft level if his
    community wrote it (not after the member moved), else the computed one."""
    _, _, _, home_id, _, _, path, rating_id, rating_community_id, level = record[:10]
    if home_id is None:
        return None, None
    computed = level_for(figures, thresholds[path])
    draft = rating_id is not None and rating_community_id == home_id
    return (draft and level) or computed, computed


def build(records, year: int, id_select: sa.Select | None = None) -> list[RatingRow]:
    """RatingRows for rows of `statement(year)`, in their order."""
    live = [r for r in records if r[PUBLISHED_AT] is None]
    data = read_figures([r[MEMBER] for r in live], year, id_select)
    thresholds = thresholds_for_paths({r[PATH] for r in live if r[HOME] is not None}, year)
    rows = []
    for record in records:
        (member_id, name, phone, home_id, community_id, community_name, _, rating_id, rating_community_id,
         level, comment, computed_level, points, done, total, hours, satisfaction, rated, abandoned,
         published_at, revisions) = record
        if published_at is not None:
            rows.append(RatingRow(
                member_id, name, phone, year, PUBLISHED, community_id, community_name, level,
                computed_level, comment or "", points or 0, done or 0, total or 0, hours or 0.0,
                satisfaction, rated or 0, abandoned or 0, published_at, revisions or 0, rating_id))
            continue
        f = figures_of(data, member_id)
        level, computed = live_level(record, f, thresholds)
        draft = home_id is not None and rating_id is not None and rating_community_id == home_id
        rows.append(RatingRow(
            member_id, name, phone, year, DRAFT if home_id is not None else UNREGISTERED, community_id,
            community_name, level, computed, (comment or "") if draft else "", f.points,
            f.checklist_completed, f.checklist_total, f.hours, f.avg_satisfaction, f.satisfaction_count,
            f.abandoned_claims, None, 0, rating_id))
    return rows


# ---- filtering, sorting, paging -------------------------------------------------------------

def _missing_last(value, descending: bool):
    if value is None:
        return (1, 0)
    return (0, -value if descending else value)


def _share(done, total) -> float:
    return done / total if total else 0.0


def _rank(level) -> int | None:
    return LEVEL_RANK.get(level) if level else None


# The value each computed sort orders by: of a built row, and of a raw row (published
# snapshot, or the figures read for the sort) without building it.
PY_SORTS = {
    "level": lambda row: _rank(row.level),
    "points": lambda row: row.points,
    "checklist": lambda row: _share(row.checklist_completed, row.checklist_total),
    "hours": lambda row: row.hours,
    "satisfaction": lambda row: row.avg_satisfaction,
}
NEEDS = {"level": LEVEL_NEEDS, "points": ("points",), "checklist": ("checklist",), "hours": ("hours",),
         "satisfaction": ("satisfaction",)}
SQL_SORTS = {"name": User.name, "community": Place.name}
SORTS = tuple(SQL_SORTS) + tuple(PY_SORTS)


def parse_sort(sort: str | None) -> tuple[str, bool]:
    sort = sort or "name"
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    return (key if key in SORTS else "name"), descending


def _raw_value(key: str, record, f: Figures | None, level: str | None):
    if record[PUBLISHED_AT] is not None:
        return {"level": _rank(record[LEVEL]), "points": record[POINTS] or 0,
                "checklist": _share(record[DONE], record[TOTAL]), "hours": record[HOURS] or 0.0,
                "satisfaction": record[SATISFACTION]}[key]
    return {"level": lambda: _rank(level), "points": lambda: f.points,
            "checklist": lambda: _share(f.checklist_completed, f.checklist_total),
            "hours": lambda: f.hours, "satisfaction": lambda: f.avg_satisfaction}[key]()


def _live_data(records, year: int, id_select: sa.Select | None, wanted, needs_level: bool):
    """The figures `wanted` of the unpublished rows, and the thresholds their levels need."""
    live = [r for r in records if r[PUBLISHED_AT] is None]
    data = read_figures([r[MEMBER] for r in live], year, id_select, tuple(sorted(wanted)))
    thresholds = {}
    if needs_level:
        thresholds = thresholds_for_paths({r[PATH] for r in live if r[HOME] is not None}, year)
    return data, thresholds


def _rank_records(records, year: int, key: str, descending: bool, level: str | None,
                  id_select: sa.Select | None) -> list:
    """Filters by level and sorts raw rows, reading only the figures that needs (e.g. only
    the points for a sort by points); the page is built afterwards."""
    wanted = set(NEEDS.get(key, ())) | (set(LEVEL_NEEDS) if level else set())
    needs_level = level is not None or key == "level"
    data, thresholds = _live_data(records, year, id_select, wanted, needs_level)
    ranked = []
    for record in records:
        f = figures_of(data, record[MEMBER]) if record[PUBLISHED_AT] is None else None
        row_level = record[LEVEL]
        if f is not None and needs_level:
            row_level = live_level(record, f, thresholds)[0]
        if level is not None and row_level != level:
            continue
        value = _raw_value(key, record, f, row_level) if key in PY_SORTS else None
        ranked.append((value, record))
    if key in PY_SORTS:
        ranked.sort(key=lambda pair: _missing_last(pair[0], descending))
    return [record for _, record in ranked]


def levels(stmt: sa.Select, id_select: sa.Select | None, year: int) -> list[str | None]:
    """The level in force of every row of `stmt` (published, or as it would be published
    now), as `listing` shows it, reading only the figures a level needs and building no row:
    what a summary of levels costs (a page's bar, the check before publishing)."""
    records = _fetch(stmt)
    data, thresholds = _live_data(records, year, id_select, LEVEL_NEEDS, True)
    return [record[LEVEL] if record[PUBLISHED_AT] is not None
            else live_level(record, figures_of(data, record[MEMBER]), thresholds)[0]
            for record in records]


def _fetch(stmt: sa.Select) -> list:
    """Plain rows through the session's connection: no ORM loading step (it costs more than
    the query for thousands of rows; nothing here needs ORM objects)."""
    return db.session.connection().execute(stmt).all()


def listing(stmt: sa.Select, year: int, *, level: str | None = None, sort: str | None = None,
            page: int = 1, page_size: int | None = 50,
            id_select: sa.Select | None = None) -> tuple[list[RatingRow], int]:
    """(rows of the page, total) in a constant number of queries. Sorted by name or community
    without a level filter, SQL pages and only the page's members are computed. Otherwise the
    members of `stmt` are ranked on the one figure the sort or filter needs (set-based, over
    `id_select` when there are many) and only the page is built. `page_size` None: every row."""
    key, descending = parse_sort(sort)
    column = SQL_SORTS.get(key, User.name)
    direction = column.desc() if descending and key in SQL_SORTS else column
    ordered = stmt.order_by(column.is_(None), direction, User.name, User.id)  # NULLs last
    if page_size is None:
        records = _fetch(ordered)
        rows = build(_by_pinyin(records, descending) if key == "name" else records, year, id_select)
        if level is not None:
            rows = [row for row in rows if row.level == level]
        if key in PY_SORTS:
            rows.sort(key=lambda row: _missing_last(PY_SORTS[key](row), descending))
        return rows, len(rows)
    if level is None and key == "community":
        total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
        records = _fetch(ordered.limit(page_size).offset((page - 1) * page_size))
        return build(records, year), total or 0
    ranked = _rank_records(_fetch(ordered), year, key, descending, level, id_select)
    if key == "name":
        ranked = _by_pinyin(ranked, descending)
    return build(ranked[(page - 1) * page_size: page * page_size], year), len(ranked)


def _by_pinyin(records, descending: bool = False) -> list:
    """Raw rows by name in pinyin order (app.i18n.pinyin_key), then by member id."""
    return sorted(records, key=lambda r: (pinyin_key(r[NAME]), r[MEMBER]), reverse=descending)
