"""The site menu. Each domain's views module adds its own entries at import time."""
from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]  # empty: every signed-in user
    order: int = 50


_ITEMS: list[NavItem] = []


def add(label: str, endpoint: str, roles: tuple[str, ...] = (), order: int = 50) -> None:
    if all(item.endpoint != endpoint for item in _ITEMS):
        _ITEMS.append(NavItem(label, endpoint, roles, order))


# The staff's and admins' menu in groups (the workbench and the folded phone menu show it so),
# by endpoint; an entry of theirs not listed here falls in OTHER.
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    (N_("日常办理"), ("workbench.home", "registrations.queue", "orders.board", "service.queue",
                    "activities.index", "points.adjust_page")),
    (N_("党员与单位"), ("reminders.idle_members", "service.households",
                     "registrations.unit_registrations", "imports.index", "places.admin_home",
                     "places.admin_units", "places.admin_accounts")),
    (N_("积分、评议与统计"), ("points.board", "points.exemplars", "ratings.community_page",
                        "ratings.stats_page")),
    (N_("规则与记录"), ("points.rules", "points.checklist_config", "ratings.thresholds_page",
                     "audit.audit_log")),
]
OTHER = N_("其他")


def labels() -> frozenset[str]:
    """Every menu entry's and group's label (N_/NP_ constants): the table base.html looks
    labels up in."""
    return frozenset(item.label for item in _ITEMS) | {g for g, _endpoints in GROUPS} | {OTHER}


def groups_for(user, app) -> list[tuple[str, list[NavItem]]]:
    """The user's menu as [(group label, entries)], groups in GROUPS order, empty ones left out."""
    items = items_for(user, app)
    placed = {endpoint: label for label, endpoints in GROUPS for endpoint in endpoints}
    groups = [(label, [i for i in items if placed.get(i.endpoint) == label]) for label, _e in GROUPS]
    groups.append((OTHER, [i for i in items if i.endpoint not in placed]))
    return [(label, entries) for label, entries in groups if entries]


def items_for(user, app) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        (i for i in _ITEMS
         if (not i.roles or user.role in i.roles) and i.endpoint in app.view_functions),
        key=lambda i: i.order,
    )
