"""Levels from thresholds: which thresholds apply to a member (his street's for the year, else
his district's, else the defaults) and the level his figures reach. The same set holds the
unit ratings' cut-offs (单位评议: the least score, 0-100, of each level), so a community's units
are judged by the standards of its street or district too."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.ratings.models import GRADED_LEVELS, RatingLevel, RatingThreshold


@dataclass(frozen=True)
class Threshold:
    """What one level needs. Satisfaction counts only for a member with rated orders (nobody
    is marked down for never having been rated); None means no requirement."""

    level: str
    min_points: int
    min_checklist_percent: int
    min_satisfaction: float | None = None
    max_abandoned: int | None = None
    min_unit_score: float | None = None  # a unit's least score (0-100); None: the default

    @property
    def unit_score(self) -> float:
        return DEFAULT_UNIT_SCORES[self.level] if self.min_unit_score is None else self.min_unit_score


# The unit ratings' default cut-offs (单位评议, app/ratings/unit_ratings.py).
DEFAULT_UNIT_SCORES = {RatingLevel.EXCELLENT: 90.0, RatingLevel.GOOD: 80.0, RatingLevel.QUALIFIED: 65.0,
                       RatingLevel.BASIC: 50.0}
DEFAULT_THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(RatingLevel.EXCELLENT, 120, 100, 4.5, 0, DEFAULT_UNIT_SCORES[RatingLevel.EXCELLENT]),
    Threshold(RatingLevel.GOOD, 80, 80, 4.0, 1, DEFAULT_UNIT_SCORES[RatingLevel.GOOD]),
    Threshold(RatingLevel.QUALIFIED, 40, 60, 3.5, 2, DEFAULT_UNIT_SCORES[RatingLevel.QUALIFIED]),
    Threshold(RatingLevel.BASIC, 10, 20, None, 3, DEFAULT_UNIT_SCORES[RatingLevel.BASIC]),
)


@dataclass(frozen=True)
class Figures:
    """A member's year in numbers, as the rating reads them."""

    points: int = 0
    checklist_completed: int = 0
    checklist_total: int = 5
    hours: float = 0.0
    avg_satisfaction: float | None = None
    satisfaction_count: int = 0
    abandoned_claims: int = 0


def meets(figures: Figures, threshold: Threshold) -> bool:
    if figures.points < threshold.min_points:
        return False
    # completed/total >= percent/100, in integers (no float rounding at the boundary)
    if figures.checklist_completed * 100 < threshold.min_checklist_percent * figures.checklist_total:
        return False
    if (threshold.min_satisfaction is not None and figures.satisfaction_count
            and figures.avg_satisfaction is not None
            and figures.avg_satisfaction < threshold.min_satisfaction - 1e-9):
        return False
    return threshold.max_abandoned is None or figures.abandoned_claims <= threshold.max_abandoned


def level_for(figures: Figures, thresholds: Iterable[Threshold] = DEFAULT_THRESHOLDS) -> str:
    """The best level whose every condition the figures meet; else 不合格."""
    for threshold in thresholds:
        if meets(figures, threshold):
            return threshold.level
    return RatingLevel.UNQUALIFIED


def unit_level_for(score: float | None, thresholds: Iterable[Threshold] = DEFAULT_THRESHOLDS) -> str | None:
    """A unit's suggested level: the best whose cut-off its score reaches; else 不合格. None
    when no figure is known (no members there, no needs, no projects)."""
    if score is None:
        return None
    return next((t.level for t in thresholds if score >= t.unit_score), RatingLevel.UNQUALIFIED)


def configured(place_ids: Iterable[int], year: int) -> dict[int, tuple[Threshold, ...]]:
    """Configured sets by place id (streets or districts) for `year`: one query."""
    place_ids = sorted(set(place_ids))
    if not place_ids:
        return {}
    rows = db.session.scalars(sa.select(RatingThreshold).where(
        RatingThreshold.year == year, RatingThreshold.place_id.in_(place_ids)))
    by_place: dict[int, dict[str, Threshold]] = defaultdict(dict)
    for row in rows:
        by_place[row.place_id][row.level] = Threshold(
            row.level, row.min_points, row.min_checklist_percent, row.min_satisfaction,
            row.max_abandoned, row.min_unit_score)
    return {place_id: tuple(levels[level] for level in GRADED_LEVELS)
            for place_id, levels in by_place.items() if set(levels) >= set(GRADED_LEVELS)}


def ancestors(path: str | None) -> list[int]:
    return [int(p) for p in (path or "").strip("/").split("/") if p]


def thresholds_for_paths(paths: Iterable[str | None], year: int) -> dict[str | None, tuple[Threshold, ...]]:
    """{community path: thresholds} for many communities at once (the nearest configured
    ancestor wins), one query whatever the number of members."""
    paths = set(paths)
    found = configured({a for path in paths for a in ancestors(path)}, year)
    return {path: next((found[p] for p in reversed(ancestors(path)) if p in found), DEFAULT_THRESHOLDS)
            for path in paths}

