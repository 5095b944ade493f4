"""The row handlers of places, units and needy households: `parse` checks one row and
returns what it means (or raises RowError); `apply` writes a chunk of parsed rows and counts
each as created, updated or unchanged. Members and residents are in people.py."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.auth.services import normalize_phone
from app.errors import DomainError
from app.imports.kinds import UNIT_KIND_ALIASES, UNIT_KIND_CHOICES
from app.imports.reader import CellError, SourceRow
from app.imports.resolve import PlaceIndex, RowError, Scope
from app.places import bulk as places_bulk
from app.places.models import PlaceKind
from app.places.services import create_place, create_unit
from app.registrations import bulk as registrations_bulk
from app.service import bulk as service_bulk

LIST_SEPARATORS = re.compile(r"[、,，;；/\n]+")


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def count(self, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)


def cell(row: SourceRow, name: str, required: bool = False, limit: int = 100) -> str:
    value = row.cells.get(name, "")
    if isinstance(value, CellError):
        raise RowError(name, str(value))
    if required and not value:
        raise RowError(name, _("必填，不能为空"))
    if len(value) > limit:
        raise RowError(name, _("内容过长（最多 %(n)s 个字）", n=limit))
    return value


def phone_cell(row: SourceRow, name: str = "手机号") -> str:
    value = cell(row, name, required=True, limit=40)
    try:
        return normalize_phone(value)
    except DomainError:
        raise RowError(name, _("手机号“%(value)s”无效，应为11位手机号", value=value)) from None


def list_cell(row: SourceRow, name: str, limit: int = 20) -> list[str]:
    items = [s.strip() for s in LIST_SEPARATORS.split(cell(row, name, limit=1000)) if s.strip()]
    if len(items) > limit:
        raise RowError(name, _("最多 %(n)s 项", n=limit))
    return items


class Handler:
    def __init__(self, actor, scope: Scope, outcome: Outcome, approve: bool):
        self.actor = actor
        self.scope = scope
        self.outcome = outcome
        self.approve = approve
        self.places = PlaceIndex.load()

    def community(self, row: SourceRow, column: str = "社区"):
        community = self.places.community(cell(row, "街道"), cell(row, column, required=True), column)
        self.scope.require(community, column)
        return community


# ---- places -----------------------------------------------------------------------------

LEVELS = (("区", PlaceKind.DISTRICT), ("街道", PlaceKind.STREET), ("社区", PlaceKind.COMMUNITY),
          ("网格", PlaceKind.GRID))


class PlacesHandler(Handler):
    """A row is a path of names (区 / 街道 / 社区 / 网格); missing places on it are created."""

    def parse(self, row: SourceRow):
        names = [cell(row, column, required=(column == "区")) for column, _kind in LEVELS]
        while names and not names[-1]:
            names.pop()
        for (column, _kind), name in zip(LEVELS, names, strict=False):
            if not name:
                raise RowError(column, _("上级地区未填写"))
        return row.number, tuple(names), tuple(names)

    def apply(self, chunk) -> None:
        for number, _key, names in chunk:
            try:
                self.outcome.count(self._apply_path(names))
            except RowError as err:
                self.outcome.error(number, err.column, err.message)

    def _apply_path(self, names) -> str:
        parent = None
        created = False
        for (column, kind), name in zip(LEVELS, names, strict=False):
            place = self.places.child(parent.id if parent else None, name)
            if place is None:
                if not (parent is None and self.scope.everywhere) and not (
                        parent is not None and self.scope.covers(parent)):
                    raise RowError(column, _("“%(name)s”不在您的管辖范围内，不能新建", name=name))
                place = create_place(kind=kind, name=name, parent_id=parent.id if parent else None)
                self.places.add(place)
                created = True
            elif place.kind != kind:
                raise RowError(column, _("“%(name)s”已存在，但不是%(level)s", name=name, level=column))
            parent = place
        return "created" if created else "unchanged"


# ---- units ------------------------------------------------------------------------------

class UnitsHandler(Handler):
    """A row is a unit (key: its name) and, when a community is given, its 组织报到 there with
    the resources it offers (key: unit and community)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.units = places_bulk.units_by_name()
        self.reports = registrations_bulk.unit_registrations_by_pair()
        self.kinds_in_file: dict[str, str] = {}

    def parse(self, row: SourceRow):
        name = cell(row, "单位名称", required=True, limit=120)
        kind_label = cell(row, "单位类型", required=True)
        if kind_label not in UNIT_KIND_ALIASES:
            raise RowError("单位类型", _("单位类型应为：%(choices)s", choices="、".join(UNIT_KIND_CHOICES)))
        kind = UNIT_KIND_ALIASES[kind_label]
        if self.kinds_in_file.setdefault(name, kind) != kind:
            raise RowError("单位类型", _("同一单位在文件中的类型不一致"))
        community = None
        if cell(row, "报到社区"):
            community = self.community(row, "报到社区")
        elif not self.scope.everywhere:
            raise RowError("报到社区", _("必填，不能为空"))
        resources = list_cell(row, "可提供资源", limit=50)
        if community is not None and not resources:
            raise RowError("可提供资源", _("列出至少一项可提供的资源"))
        key = (name, community.id if community else None)
        return row.number, key, (name, kind, community, resources)

    def apply(self, chunk) -> None:
        for number, _key, (name, kind, community, resources) in chunk:
            try:
                self.outcome.count(self._apply(name, kind, community, resources))
            except RowError as err:
                self.outcome.error(number, err.column, err.message)

    def _apply(self, name, kind, community, resources) -> str:
        what = "unchanged"
        unit = self.units.get(name)
        if unit is None:
            unit = self.units[name] = create_unit(name=name, kind=kind)
            what = "created"
        elif unit.kind != kind:
            if not self.scope.everywhere:
                raise RowError("单位类型", _("只有系统管理员可以修改已有单位的类型"))
            places_bulk.set_unit_kind(unit, kind)
            what = "updated"
        if community is None:
            return what
        report = self.reports.get((unit.id, community.id))
        if report is None:
            self.reports[(unit.id, community.id)] = registrations_bulk.add_unit_registration(
                unit, community.id, resources, getattr(self.actor, "id", None))
            return "created"
        if registrations_bulk.resource_names(report) != resources:
            registrations_bulk.set_unit_resources(report, resources)
            return "created" if what == "created" else "updated"
        return what


# ---- needy households -------------------------------------------------------------------

class HouseholdsHandler(Handler):
    """A row is a needy household; key: community, householder's name and address."""

    def parse(self, row: SourceRow):
        community = self.community(row)
        name = cell(row, "户主姓名", required=True, limit=64)
        address = cell(row, "地址", required=True, limit=200)
        needs = cell(row, "困难情况", limit=500)
        return row.number, (community.id, name, address), needs

    def apply(self, chunk) -> None:
        known = service_bulk.households_by_key(sorted({key[0] for _n, key, _needs in chunk}))
        new, changed = [], []
        for _number, key, needs in chunk:
            household = known.get(key)
            if household is None:
                new.append({"community_id": key[0], "name": key[1], "address": key[2], "needs": needs})
                self.outcome.count("created")
            elif household.needs != needs:
                changed.append({"id": household.id, "needs": needs})
                self.outcome.count("updated")
            else:
                self.outcome.count("unchanged")
        service_bulk.insert_households(new, getattr(self.actor, "id", None))
        service_bulk.update_households(changed)
