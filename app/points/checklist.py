"""The yearly "五个一" checklist, computed only from ChecklistEvidence rows.

Which items (and how many of each) a member needs in a year is configured per street or
district (ChecklistItem); without a configuration the five items of DOMAIN.md, once each."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.i18n import N_
from app.places.models import Place
from app.points.models import ChecklistEvidence, ChecklistItem
from app.registrations.models import Registration, RegistrationStatus

DEFAULT_ITEMS: tuple[tuple[str, str], ...] = (
    ("grid_volunteer", N_("当一次网格志愿者")),
    ("community_activity", N_("参加一次社区活动")),
    ("suggestion", N_("提出一条合理建议")),
    ("solve_problem", N_("帮助解决一个难题")),
    ("help_household", N_("帮助一户困难群众")),
)
ITEM_KEYS = tuple(key for key, _ in DEFAULT_ITEMS)
ITEM_TITLES = dict(DEFAULT_ITEMS)
CHUNK = 5000


@dataclass(frozen=True)
class ItemSpec:
    key: str
    title: str
    required: int = 1


DEFAULT_SPECS = tuple(ItemSpec(key, title) for key, title in DEFAULT_ITEMS)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _id_filter(column, member_ids):
    return column.in_(member_ids)


# Built once: constructing these statements cost more than running them (checklist page and API).
_CONFIGURED = (sa.select(ChecklistItem.place_id, ChecklistItem.key, ChecklistItem.title,
                         ChecklistItem.required)
               .where(ChecklistItem.year == sa.bindparam("year"),
                      ChecklistItem.place_id.in_(sa.bindparam("place_ids", expanding=True)))
               .order_by(ChecklistItem.place_id, ChecklistItem.position, ChecklistItem.id))
# Each member's home community path (approved registration); for one member, built once.
_PATHS = (sa.select(Registration.member_id, Place.path)
          .join(Place, Place.id == Registration.community_id)
          .where(Registration.status == RegistrationStatus.APPROVED))
_MEMBER_PATH = _PATHS.where(Registration.member_id == sa.bindparam("member_id"))


def configured_specs(place_ids: Iterable[int], year: int) -> dict[int, tuple[ItemSpec, ...]]:
    """Configured lists by place id (streets or districts) for `year`, one query."""
    place_ids = sorted(set(place_ids))
    if not place_ids:
        return {}
    rows = db.session.execute(_CONFIGURED, {"year": year, "place_ids": place_ids})
    specs: dict[int, list[ItemSpec]] = defaultdict(list)
    for place_id, key, title, required in rows:
        specs[place_id].append(ItemSpec(key, title, required))
    return {place_id: tuple(items) for place_id, items in specs.items()}


def specs_for_place(place: Place | None, year: int) -> tuple[ItemSpec, ...]:
    """The list that applies inside `place` (a community, street or district)."""
    if place is None:
        return DEFAULT_SPECS
    ancestors = place.ancestor_ids()
    configured = configured_specs(ancestors, year)
    for place_id in reversed(ancestors):  # the nearest configured ancestor wins
        if place_id in configured:
            return configured[place_id]
    return DEFAULT_SPECS


def _member_paths(member_ids) -> dict[int, str]:
    """Path of each member's home community (approved registration), one query per chunk."""
    return dict(db.session.execute(_PATHS.where(_id_filter(Registration.member_id, member_ids))).all())


def _evidence_counts(member_ids, year: int) -> dict[int, dict[str, int]]:
    stmt = (sa.select(ChecklistEvidence.member_id, ChecklistEvidence.item_key, sa.func.count())
            .where(ChecklistEvidence.year == year,
                   _id_filter(ChecklistEvidence.member_id, member_ids))
            .group_by(ChecklistEvidence.member_id, ChecklistEvidence.item_key))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for member_id, key, n in db.session.execute(stmt):
        counts[member_id][key] = n
    return counts


def _specs_by_member(paths: dict[int, str], year: int) -> dict[int, tuple[ItemSpec, ...]]:
    ancestors = {m: [int(p) for p in path.strip("/").split("/") if p] for m, path in paths.items()}
    configured = configured_specs({a for ids in ancestors.values() for a in ids}, year)
    result = {}
    for member_id, ids in ancestors.items():
        result[member_id] = next(
            (configured[p] for p in reversed(ids) if p in configured), DEFAULT_SPECS)
    return result


def _completed(specs: tuple[ItemSpec, ...], counts: dict[str, int]) -> int:
    return sum(1 for spec in specs if counts.get(spec.key, 0) >= spec.required)


def completion_for(member_ids, year: int) -> dict[int, tuple[int, int]]:
    """{member_id: (completed_items, total_items)} for a list of ids or a SELECT of ids,
    in a constant number of queries per 5,000 members (never one per member)."""
    if isinstance(member_ids, sa.Select):
        paths = _member_paths(member_ids)
        counts = _evidence_counts(member_ids, year)
        ids = set(paths) | set(counts)
    else:
        ids = list(dict.fromkeys(member_ids))
        paths, counts = {}, defaultdict(dict)
        for chunk in _chunks(ids):
            paths.update(_member_paths(chunk))
            counts.update(_evidence_counts(chunk, year))
    specs = _specs_by_member(paths, year)
    result = {}
    for member_id in ids:
        member_specs = specs.get(member_id, DEFAULT_SPECS)
        result[member_id] = (_completed(member_specs, counts.get(member_id, {})), len(member_specs))
    return result


# A member's evidence as plain rows (read, never changed here), built once.
_EVIDENCE = (sa.select(ChecklistEvidence.id, ChecklistEvidence.item_key, ChecklistEvidence.source_type,
                       ChecklistEvidence.source_id, ChecklistEvidence.note, ChecklistEvidence.created_at)
             .where(ChecklistEvidence.member_id == sa.bindparam("member_id"),
                    ChecklistEvidence.year == sa.bindparam("year"))
             .order_by(ChecklistEvidence.created_at, ChecklistEvidence.id))


def checklist_for(member_id: int, year: int) -> dict:
    """The member's list for `year` with each item's evidence: what the API and pages show."""
    paths = dict(db.session.execute(_MEMBER_PATH, {"member_id": member_id}).all())
    specs = _specs_by_member(paths, year).get(member_id, DEFAULT_SPECS)
    evidence = db.session.execute(_EVIDENCE, {"member_id": member_id, "year": year}).all()
    by_key: dict[str, list] = defaultdict(list)
    for row in evidence:
        by_key[row.item_key].append(row)
    items = [{
        "key": spec.key, "title": spec.title, "required": spec.required,
        "count": len(by_key[spec.key]), "done": len(by_key[spec.key]) >= spec.required,
        "evidence": by_key[spec.key],
    } for spec in specs]
    return {"year": year, "completed": sum(1 for i in items if i["done"]),
            "total": len(items), "items": items}
