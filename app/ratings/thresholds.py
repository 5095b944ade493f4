"""Street and district admins set the year's level thresholds for their place (audited): what a
member needs for each level, and the least score a unit needs for it (单位评议)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import User
from app.auth.permissions import can_manage_place
from app.auth.roles import ADMINS
from app.clock import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.params import valid_id
from app.places.models import Place, PlaceKind
from app.ratings.levels import DEFAULT_UNIT_SCORES, Threshold, configured, thresholds_for_paths
from app.ratings.models import GRADED_LEVELS, LEVEL_LABELS, RatingThreshold

FIELDS = ("min_points", "min_checklist_percent", "min_satisfaction", "max_abandoned", "min_unit_score")


def threshold_place(admin: User, place_id: int) -> Place:
    """A street or district inside the admin's scope: unknown 404, outside 403."""
    place = db.session.get(Place, place_id) if valid_id(place_id) else None
    if place is None or place.kind not in (PlaceKind.STREET, PlaceKind.DISTRICT):
        raise NotFound(_("街道或区不存在"))
    if admin.role not in ADMINS or not can_manage_place(admin, place):
        raise Forbidden(_("不在您的管辖范围"))
    return place


def as_dict(t: Threshold) -> dict:
    return {"level": str(t.level), "label": LEVEL_LABELS[t.level], "min_points": t.min_points,
            "min_checklist_percent": t.min_checklist_percent,
            "min_satisfaction": t.min_satisfaction, "max_abandoned": t.max_abandoned,
            "min_unit_score": t.unit_score}


def thresholds_config(admin: User, place_id: int, year: int) -> dict:
    """The set in force for the place (its own, else inherited, else the defaults)."""
    place = threshold_place(admin, place_id)
    own = configured([place.id], year).get(place.id)
    in_force = own or thresholds_for_paths([place.path], year)[place.path]
    return {"place_id": place.id, "place_name": place.name, "year": year, "is_own": own is not None,
            "levels": [as_dict(t) for t in in_force]}


def _check(levels: list[dict]) -> list[Threshold]:
    """Every graded level once; a better level never asks less than a worse one. A unit
    cut-off left out is the default (DEFAULT_UNIT_SCORES); one given is 0 to 100."""
    by_level = {}
    for item in levels:
        if item["level"] not in GRADED_LEVELS:
            raise Invalid("levels", _("未知等级：%(level)s", level=item["level"]))
        if item["level"] in by_level:
            raise Invalid("levels", _("等级 %(level)s 重复", level=item["level"]))
        by_level[item["level"]] = item
    for item in by_level.values():
        for key in ("min_points", "min_checklist_percent"):
            if item.get(key) is None:
                raise Invalid("levels", _("%(level)s 的 %(key)s 为必填", key=key, level=item["level"]))
    missing = [level for level in GRADED_LEVELS if level not in by_level]
    if missing:
        raise Invalid("levels", _("每个等级都须设置标准，缺少：%(levels)s", levels=", ".join(missing)))
    for item in by_level.values():
        score = item.get("min_unit_score")
        if score is not None and not 0 <= score <= 100:
            raise Invalid("levels", _("%(level)s 的 min_unit_score 须在 0 到 100 之间", level=item["level"]))
    ordered = [Threshold(level, **{k: by_level[level].get(k) for k in FIELDS[:-1]},
                         min_unit_score=_unit_score(by_level[level])) for level in GRADED_LEVELS]
    for better, worse in zip(ordered, ordered[1:], strict=False):
        name = f"{better.level} / {worse.level}"
        if better.min_points < worse.min_points:
            raise Invalid("levels", _("%(levels)s 的 min_points：较高等级的要求不能低于较低等级",
                                      levels=name))
        if better.min_checklist_percent < worse.min_checklist_percent:
            raise Invalid("levels", _("%(levels)s 的 min_checklist_percent：较高等级的要求不能低于较低等级",
                                      levels=name))
        if worse.min_satisfaction is not None and (
                better.min_satisfaction is None or better.min_satisfaction < worse.min_satisfaction):
            raise Invalid("levels", _("%(levels)s 的 min_satisfaction：较高等级的要求不能低于较低等级",
                                      levels=name))
        if worse.max_abandoned is not None and (
                better.max_abandoned is None or better.max_abandoned > worse.max_abandoned):
            raise Invalid("levels", _("%(levels)s 的 max_abandoned：较高等级允许的次数不能多于较低等级",
                                      levels=name))
        if better.min_unit_score < worse.min_unit_score:
            raise Invalid("levels", _("%(levels)s 的 min_unit_score：较高等级的要求不能低于较低等级",
                                      levels=name))
    return ordered


def _unit_score(item: dict) -> float:
    score = item.get("min_unit_score")
    return float(DEFAULT_UNIT_SCORES[item["level"]] if score is None else score)


def set_thresholds(admin: User, place_id: int, year: int, levels: list[dict],
                   now: datetime | None = None) -> list[RatingThreshold]:
    """Replaces the place's set for the year; ratings already published (members' and units')
    keep their level."""
    place = threshold_place(admin, place_id)
    ordered = _check(levels)
    now = now or utcnow()
    before = configured([place.id], year).get(place.id)
    db.session.execute(sa.delete(RatingThreshold).where(
        RatingThreshold.place_id == place.id, RatingThreshold.year == year))
    rows = [RatingThreshold(place_id=place.id, year=year, level=t.level, min_points=t.min_points,
                            min_checklist_percent=t.min_checklist_percent,
                            min_satisfaction=t.min_satisfaction, max_abandoned=t.max_abandoned,
                            min_unit_score=t.min_unit_score, updated_by_id=admin.id, updated_at=now)
            for t in ordered]
    db.session.add_all(rows)
    db.session.flush()
    record(admin, "rating.thresholds", place, {
        "year": year, "before": [as_dict(t) for t in before] if before else None,
        "after": [as_dict(t) for t in ordered]}, now=now)
    return rows
