"""What each kind of import reads: its columns (Chinese headers, required or not, an example
value, the fixed choices a template offers as a drop-down list)."""
from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_

# The words of the unit kinds as the unit pages show them (the template's drop-down list).
UNIT_KIND_CHOICES = {"机关": "agency", "事业单位": "institution", "国有企业": "enterprise", "其他": "other"}
UNIT_KIND_ALIASES = {**UNIT_KIND_CHOICES, "企业": "enterprise"}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    example: str = ""
    choices: tuple[str, ...] = ()
    text: bool = False  # kept as text in the template (phones: no 1.38E+10)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


KINDS = {
    "places": Kind("places", N_("地区（街道、社区、网格）"), (
        Column("区", True, "越秀区"), Column("街道", False, "北京街道"),
        Column("社区", False, "仓边社区"), Column("网格", False, "第一网格"))),
    "units": Kind("units", N_("单位（组织报到与资源）"), (
        Column("单位名称", True, "区税务局"),
        Column("单位类型", True, "机关", tuple(UNIT_KIND_CHOICES)),
        Column("街道", False, "北京街道"), Column("报到社区", False, "仓边社区"),
        Column("可提供资源", False, "法律咨询、志愿者10人"))),
    "members": Kind("members", N_("在职党员（双报到）"), (
        Column("姓名", True, "张伟"), Column("手机号", True, "13800138000", text=True),
        Column("单位", True, "区税务局"), Column("街道", False, "北京街道"),
        Column("社区", True, "仓边社区"), Column("网格", False, "第一网格"),
        Column("居住地址", True, "仓边路1号"), Column("个人特长", False, "理发、法律咨询"),
        Column("作息时间", False, "周末"))),
    "residents": Kind("residents", N_("居民"), (
        Column("姓名", True, "李芳"), Column("手机号", True, "13900139000", text=True),
        Column("街道", False, "北京街道"), Column("社区", True, "仓边社区"),
        Column("网格", False, "第一网格"), Column("居住地址", True, "仓边路2号"))),
    "households": Kind("households", N_("困难群众"), (
        Column("街道", False, "北京街道"), Column("社区", True, "仓边社区"),
        Column("户主姓名", True, "王阿婆"), Column("地址", True, "仓边路3号"),
        Column("困难情况", False, "独居老人，行动不便"))),
}
KIND_LABELS = {key: spec.label for key, spec in KINDS.items()}
