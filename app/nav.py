"""The site menu. Each domain's views module adds its own entries at import time."""
from __future__ import annotations

from dataclasses import dataclass


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


def labels() -> frozenset[str]:
    """Every menu entry's label (N_/NP_ constants): the table base.html looks labels up in."""
    return frozenset(item.label for item in _ITEMS)


def items_for(user, app) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        (i for i in _ITEMS
         if (not i.roles or user.role in i.roles) and i.endpoint in app.view_functions),
        key=lambda i: i.order,
    )
