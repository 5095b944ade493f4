"""Residents: their address (also in bulk, for imports), sign-up by phone, and the walk-in
resident staff file a need for. Services flush; the caller commits."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.bulk import UNUSABLE_PASSWORD, accounts_by_phone, taken_usernames
from app.auth.models import Role, User
from app.auth.permissions import require_manage_community
from app.auth.services import create_user, normalize_phone
from app.auth.sms import use_code
from app.clock import utcnow
from app.database import update_by_id
from app.errors import Conflict, Invalid
from app.extensions import db
from app.places.models import Place, PlaceKind
from app.residents.models import ResidentProfile


def addresses_of(user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = db.session.execute(sa.select(ResidentProfile.user_id, ResidentProfile.address)
                              .where(ResidentProfile.user_id.in_(user_ids)))
    return dict(rows.all())


def save_addresses(addresses: dict[int, str]) -> None:
    """Sets the address of each resident (user id → address), inserting missing profiles."""
    if not addresses:
        return
    now = utcnow()
    known = addresses_of(list(addresses))
    new = [{"user_id": uid, "address": a, "updated_at": now}
           for uid, a in addresses.items() if uid not in known]
    changed = [{"user_id": uid, "address": a, "updated_at": now}
               for uid, a in addresses.items() if uid in known and known[uid] != a]
    if new:
        db.session.execute(sa.insert(ResidentProfile), new)
    update_by_id(db.session, ResidentProfile, changed)


# ---- sign-up by phone and walk-in residents ------------------------------------------------

def _home(community_id: int, grid_id: int | None) -> int:
    """The place a resident's account is scoped to: his grid if known, else his community."""
    community = db.session.get(Place, community_id) if community_id else None
    if community is None or community.kind != PlaceKind.COMMUNITY:
        raise Invalid("community_id", _("社区不存在"))
    if grid_id:
        grid = db.session.get(Place, grid_id)
        if grid is None or grid.kind != PlaceKind.GRID or grid.parent_id != community.id:
            raise Invalid("grid_id", _("该网格不属于所选社区"))
        return grid.id
    return community.id


def _new_resident(*, name: str, phone: str, place_id: int, address: str, created_by=None) -> User:
    username = f"r{phone}"
    if taken_usernames([username]):
        username = f"r{phone}-{secrets.token_hex(3)}"
    user = create_user(username=username, password="", password_hash=UNUSABLE_PASSWORD, name=name,
                       role=Role.RESIDENT, phone=phone, place_id=place_id, created_by=created_by,
                       must_change_password=False)  # no password to change: he signs in by phone
    save_addresses({user.id: (address or "").strip()[:200]})
    return user


def signup(*, phone: str, code: str, name: str, community_id: int, grid_id: int | None = None,
           address: str) -> User:
    """A resident signs himself up with the code sent to his phone (no password). The code is
    spent; a phone that already has an account is a 409 (he signs in with the code instead)."""
    if not (name or "").strip():
        raise Invalid("name", _("请填写姓名"))
    if not (address or "").strip():
        raise Invalid("address", _("请填写居住地址"))
    place_id = _home(community_id, grid_id)
    verified = use_code(phone, code)
    if verified is None:
        raise Invalid("code", _("验证码错误或已失效"))
    if accounts_by_phone([verified]):
        raise Conflict(_("该手机号已有账号，请用验证码登录"),
                       {"phone": [_("该手机号已有账号")]})
    return _new_resident(name=name.strip(), phone=verified, place_id=place_id, address=address)


def walk_in(staff: User, *, community_id: int, name: str, phone: str) -> User:
    """The resident a staff member files a need for, known only by name and phone: the
    resident with that phone, or a new one in the community (he signs in later with a code)."""
    require_manage_community(staff, community_id)
    try:
        phone = normalize_phone(phone)
    except Invalid:
        raise Invalid("resident", _("手机号应为11位数字")) from None
    if phone is None or not (name or "").strip():
        raise Invalid("resident", _("请填写居民姓名和手机号"))
    accounts = accounts_by_phone([phone]).get(phone, [])
    residents = [a for a in accounts if a.role == Role.RESIDENT]
    if residents:
        return db.session.get(User, residents[0].id)
    if accounts:
        raise Invalid("resident", _("该手机号属于其他类型的账号"))
    return _new_resident(name=name.strip()[:64], phone=phone, place_id=community_id, address="",
                         created_by=staff)
