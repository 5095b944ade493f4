"""Configuration by street/district admins: scoring rules and the year's checklist."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_place
from app.auth.roles import ADMINS
from app.clock import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.i18n import N_
from app.input_checks import clean_text, column_length
from app.places.models import Place, PlaceKind
from app.points.checklist import ITEM_KEYS, ITEM_TITLES, specs_for_place
from app.points.models import CAP_PERIODS, ChecklistItem, ScoringRule
from app.points.services import ADJUSTMENT_TITLE, get_rule

RULE_FIELDS = ("title", "points", "per_hour", "cap_period", "cap_points", "is_active")
# The titles migration 0002 gives the rules (admins may rename them): in the catalog so that
# pages show them in the reader's language (`rule.title|label(RULE_TITLES)`) while they keep
# these words; a title an admin typed is shown as typed.
DEFAULT_RULE_TITLES = (N_("参加社区活动"), N_("志愿服务（每小时）"), N_("合理建议被采纳"), N_("完成群众点单"),
                       N_("群众好评奖励"), N_("帮扶结对困难群众"), N_("领单后放弃（扣分）"))
# What a ledger entry's title may be, among constants; a title an admin typed is shown as typed.
RULE_TITLES = (*DEFAULT_RULE_TITLES, ADJUSTMENT_TITLE)


def list_rules() -> list[ScoringRule]:
    return list(db.session.scalars(sa.select(ScoringRule).order_by(ScoringRule.id)))


def can_edit_rules(user: User) -> bool:
    """Rules are district-wide: system admins and district-level admins edit them."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.STREET_ADMIN or not user.place_id:
        return False
    place = db.session.get(Place, user.place_id)
    return place is not None and place.kind == PlaceKind.DISTRICT


def update_rule(admin: User, key: str, values: dict, now: datetime | None = None) -> ScoringRule:
    """Changes a rule for future awards; past ledger entries keep what they paid."""
    rule = get_rule(key)
    if not can_edit_rules(admin):
        raise Forbidden(_("只有区级管理员可修改积分规则"))
    values = {k: v for k, v in values.items() if k in RULE_FIELDS}
    if values.get("cap_period") and not values.get("cap_points", rule.cap_points):
        raise Invalid("cap_points", _("设置封顶周期时须填写封顶分值"))
    if values.get("cap_period") not in (None, *CAP_PERIODS):
        raise Invalid("cap_period", _("封顶周期须为日、月或年"))
    before = {k: getattr(rule, k) for k in values}
    for k, v in values.items():
        setattr(rule, k, v)
    if not rule.cap_period:
        rule.cap_points = None
    rule.updated_by_id = admin.id
    rule.updated_at = now or utcnow()
    db.session.flush()
    record(admin, "scoring_rule.update", rule, {"key": key, "before": before, "after": values}, now=now)
    return rule


def checklist_place(admin: User, place_id: int) -> Place:
    place = db.session.get(Place, place_id)
    if place is None or place.kind not in (PlaceKind.STREET, PlaceKind.DISTRICT):
        raise NotFound(_("街道或区不存在"))
    if admin.role not in ADMINS or not can_manage_place(admin, place):
        raise Forbidden(_("不在您的管辖范围"))
    return place


def set_checklist(admin: User, place_id: int, year: int, items: list[dict],
                  now: datetime | None = None) -> list[ChecklistItem]:
    """Replaces the year's list for a street or district (the items and required counts)."""
    place = checklist_place(admin, place_id)
    if not items:
        raise Invalid("items", _("至少需要一项"))
    keys = [i["key"] for i in items]
    if len(set(keys)) != len(keys):
        raise Invalid("items", _("每项只能出现一次"))
    longest = column_length(ChecklistItem.title)
    for item in items:
        if item["key"] not in ITEM_KEYS:
            raise Invalid("items", _("未知项目：%(key)s", key=item["key"]))
        item["title"] = clean_text(item.get("title")) or ITEM_TITLES[item["key"]]
        if len(item["title"]) > longest:
            raise Invalid("items", gettext("“五个一”事项名称最多 %(n)s 个字", n=longest))
    now = now or utcnow()
    db.session.execute(sa.delete(ChecklistItem).where(
        ChecklistItem.place_id == place.id, ChecklistItem.year == year))
    rows = [ChecklistItem(place_id=place.id, year=year, key=i["key"],
                          title=i["title"],
                          required=i.get("required", 1), position=n, updated_by_id=admin.id,
                          updated_at=now)
            for n, i in enumerate(items)]
    db.session.add_all(rows)
    db.session.flush()
    record(admin, "checklist.configure", place, {"year": year, "items": [
        {"key": r.key, "title": r.title, "required": r.required} for r in rows]}, now=now)
    return rows


def checklist_config(admin: User, place_id: int, year: int) -> dict:
    place = checklist_place(admin, place_id)
    own = db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistItem).where(
        ChecklistItem.place_id == place.id, ChecklistItem.year == year))
    specs = specs_for_place(place, year)
    return {"place_id": place.id, "place_name": place.name, "year": year, "is_own": bool(own),
            "items": [{"key": s.key, "title": s.title, "required": s.required} for s in specs]}
