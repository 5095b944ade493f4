"""Members and residents, matched by phone. Written a chunk at a time with a few statements
(one look-up of the chunk's phones, one of their registrations, bulk inserts and updates),
so 30,000 rows take seconds, not a query per row."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.auth import bulk as auth_bulk
from app.auth.models import Role
from app.clock import utcnow
from app.imports.handlers import Handler, cell, list_cell, phone_cell
from app.imports.reader import SourceRow
from app.imports.resolve import unknown
from app.places import bulk as places_bulk
from app.registrations import bulk as registrations_bulk
from app.registrations.models import RegistrationStatus
from app.residents import services as residents


@dataclass
class Person:
    number: int
    phone: str
    name: str
    community_id: int
    grid_id: int | None
    address: str
    unit_id: int | None = None
    skills: tuple[str, ...] = ()
    availability: str = ""


class PeopleHandler(Handler):
    role: str

    def apply(self, chunk) -> None:
        people = [person for _n, _k, person in chunk]
        accounts = auth_bulk.accounts_by_phone([p.phone for p in people])
        new, existing = [], []
        for person in people:
            same_phone = accounts.get(person.phone, [])
            mine = [a for a in same_phone if a.role == self.role]
            if len(mine) > 1:
                self.outcome.error(person.number, "手机号", _("该手机号对应多个账号，请先在系统中处理"))
            elif not mine and same_phone:
                self.outcome.error(person.number, "手机号", _("该手机号已被其他类型的账号使用"))
            elif mine:
                existing.append((person, mine[0]))
            else:
                new.append(person)
        self.apply_existing(existing)
        self.create(new)

    def usernames(self, people: list[Person]) -> dict[str, str]:
        """{phone: a free username}: the role's letter and the phone, made unique if taken."""
        prefix = "m" if self.role == Role.MEMBER else "r"
        wanted = {p.phone: f"{prefix}{p.phone}" for p in people}
        taken = auth_bulk.taken_usernames(list(wanted.values()))
        return {phone: name if name not in taken else f"{name}-{utcnow():%y%m%d%H%M%S}"
                for phone, name in wanted.items()}


class MembersHandler(PeopleHandler):
    """A row is a member (key: phone) and his 双报到 registration: approved when the importer
    may approve in that community (every row he may import), pending from the command line
    without --as."""

    role = Role.MEMBER

    def __init__(self, *args):
        super().__init__(*args)
        self.units = {name: unit.id for name, unit in places_bulk.units_by_name().items()}

    def parse(self, row: SourceRow):
        name = cell(row, "姓名", required=True, limit=64)
        phone = phone_cell(row)
        unit_name = cell(row, "单位", required=True, limit=120)
        if unit_name not in self.units:
            raise unknown("单位", _("单位"), unit_name, self.units)
        community = self.community(row)
        grid = self.places.grid(community, cell(row, "网格"))
        person = Person(row.number, phone, name, community.id, grid.id if grid else None,
                        cell(row, "居住地址", required=True, limit=200), self.units[unit_name],
                        tuple(list_cell(row, "个人特长")), cell(row, "作息时间", limit=200))
        return row.number, phone, person

    def _status(self) -> str:
        return RegistrationStatus.APPROVED if self.approve else RegistrationStatus.PENDING

    def _registration(self, person: Person, member_id: int, now) -> dict:
        approved = self.approve
        return {"member_id": member_id, "community_id": person.community_id, "grid_id": person.grid_id,
                "address": person.address, "skills": list(person.skills),
                "availability": person.availability, "status": self._status(), "created_at": now,
                "decided_at": now if approved else None,
                "decided_by_id": getattr(self.actor, "id", None) if approved else None,
                "approved_at": now if approved else None}

    def create(self, people: list[Person]) -> None:
        if not people:
            return
        names = self.usernames(people)
        ids = auth_bulk.insert_accounts([
            {"username": names[p.phone], "name": p.name, "phone": p.phone, "role": Role.MEMBER,
             "unit_id": p.unit_id, "place_id": None} for p in people])
        now = utcnow()
        registrations_bulk.insert_registrations([self._registration(p, ids[p.phone], now) for p in people])
        self.outcome.created += len(people)

    def apply_existing(self, pairs) -> None:
        if not pairs:
            return
        open_regs = registrations_bulk.open_registrations_of([user.id for _p, user in pairs])
        now = utcnow()
        user_changes, reg_changes, new_regs = [], [], []
        for person, user in pairs:
            reg = open_regs.get(user.id)
            if reg is not None and reg.community_id != person.community_id:
                where = self.places.by_id[reg.community_id].name
                message = _("该党员已在“%(name)s”报到，搬家请办理转移", name=where)
                self.outcome.error(person.number, "社区", message)
                continue
            changed = False
            values = {k: v for k, v in (("name", person.name), ("unit_id", person.unit_id))
                      if getattr(user, k) != v}
            if values:
                user_changes.append({"id": user.id, **values})
                changed = True
            if reg is None:
                new_regs.append(self._registration(person, user.id, now))
                changed = True
            else:
                wanted = {"grid_id": person.grid_id, "address": person.address,
                          "skills": list(person.skills), "availability": person.availability}
                values = {k: v for k, v in wanted.items() if getattr(reg, k) != v}
                if self.approve and reg.status == RegistrationStatus.PENDING:
                    values.update(status=RegistrationStatus.APPROVED, decided_at=now, approved_at=now,
                                  decided_by_id=getattr(self.actor, "id", None))
                if values:
                    reg_changes.append({"id": reg.id, **values})
                    changed = True
            self.outcome.count("updated" if changed else "unchanged")
        auth_bulk.update_accounts(user_changes)
        registrations_bulk.update_registrations(reg_changes)
        registrations_bulk.insert_registrations(new_regs)


class ResidentsHandler(PeopleHandler):
    """A row is a resident (key: phone): his account, scoped to his grid or community, and
    his address."""

    role = Role.RESIDENT

    def parse(self, row: SourceRow):
        name = cell(row, "姓名", required=True, limit=64)
        phone = phone_cell(row)
        community = self.community(row)
        grid = self.places.grid(community, cell(row, "网格"))
        person = Person(row.number, phone, name, community.id, grid.id if grid else None,
                        cell(row, "居住地址", required=True, limit=200))
        return row.number, phone, person

    def create(self, people: list[Person]) -> None:
        if not people:
            return
        names = self.usernames(people)
        ids = auth_bulk.insert_accounts([
            {"username": names[p.phone], "name": p.name, "phone": p.phone, "role": Role.RESIDENT,
             "unit_id": None, "place_id": p.grid_id or p.community_id} for p in people])
        residents.save_addresses({ids[p.phone]: p.address for p in people})
        self.outcome.created += len(people)

    def apply_existing(self, pairs) -> None:
        if not pairs:
            return
        addresses = residents.addresses_of([user.id for _p, user in pairs])
        user_changes, new_addresses = [], {}
        for person, user in pairs:
            place = self.places.by_id.get(user.place_id)
            if place is not None and not self.scope.covers(place):
                self.outcome.error(person.number, "手机号", _("该居民属于其他社区，不在您的管辖范围内"))
                continue
            wanted = (("name", person.name), ("place_id", person.grid_id or person.community_id))
            values = {k: v for k, v in wanted if getattr(user, k) != v}
            if values:
                user_changes.append({"id": user.id, **values})
            if addresses.get(user.id) != person.address:
                new_addresses[user.id] = person.address
            self.outcome.count("updated" if values or user.id in new_addresses else "unchanged")
        auth_bulk.update_accounts(user_changes)
        residents.save_addresses(new_addresses)
