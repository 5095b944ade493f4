"""Resolving names in a row against the places and units of the district (loaded once per
import), with the importer's scope, and the nearest known name as a hint for a typo."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.auth.models import Role
from app.places import bulk as places_bulk
from app.places.models import Place, PlaceKind


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def nearest(name: str, known) -> str | None:
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.4)
    return matches[0] if matches else None


def unknown(column: str, what: str, name: str, known) -> RowError:
    hint = nearest(name, known)
    if hint:
        return RowError(column, _("未找到%(what)s“%(name)s”，是否为“%(hint)s”？",
                                  what=what, name=name, hint=hint))
    return RowError(column, _("未找到%(what)s“%(name)s”", what=what, name=name))


@dataclass
class PlaceIndex:
    """Every place by id and by (parent id, name); communities also by name alone."""

    by_id: dict[int, Place] = field(default_factory=dict)
    by_parent_name: dict[tuple[int | None, str], Place] = field(default_factory=dict)
    communities: dict[str, list[Place]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> PlaceIndex:
        index = cls()
        for place in places_bulk.all_places():
            index.add(place)
        return index

    def add(self, place: Place) -> None:
        self.by_id[place.id] = place
        self.by_parent_name[(place.parent_id, place.name)] = place
        if place.kind == PlaceKind.COMMUNITY:
            self.communities.setdefault(place.name, []).append(place)

    def child(self, parent_id: int | None, name: str) -> Place | None:
        return self.by_parent_name.get((parent_id, name))

    def community(self, street_name: str, name: str, column: str = "社区") -> Place:
        """The community by name, within the named street when one is given."""
        candidates = self.communities.get(name, [])
        if street_name:
            candidates = [c for c in candidates if self.by_id[c.parent_id].name == street_name]
            if not candidates and not any(p.kind == PlaceKind.STREET and p.name == street_name
                                          for p in self.by_id.values()):
                raise unknown("街道", _("街道"), street_name,
                              {p.name for p in self.by_id.values() if p.kind == PlaceKind.STREET})
        if not candidates:
            raise unknown(column, _("社区"), name, self.communities)
        if len(candidates) > 1:
            raise RowError("街道", _("有多个名为“%(name)s”的社区，请填写街道", name=name))
        return candidates[0]

    def grid(self, community: Place, name: str) -> Place | None:
        if not name:
            return None
        grid = self.child(community.id, name)
        if grid is None or grid.kind != PlaceKind.GRID:
            siblings = [p.name for (parent, _n), p in self.by_parent_name.items() if parent == community.id]
            raise unknown("网格", _("网格"), name, siblings)
        return grid


class Scope:
    """Where the importer may write: everything (a system admin, or the command line without
    --as), or the subtree of his place."""

    def __init__(self, actor):
        self.actor = actor
        everywhere = actor is None or actor.role == Role.ADMIN
        self.path = None if everywhere else (actor.place.path if actor.place is not None else "/-/")

    @property
    def everywhere(self) -> bool:
        return self.path is None

    def covers(self, place: Place) -> bool:
        return self.path is None or place.path.startswith(self.path)

    def require(self, place: Place, column: str) -> None:
        if not self.covers(place):
            raise RowError(column, _("“%(name)s”不在您的管辖范围内", name=place.name))
