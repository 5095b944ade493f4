"""Who may do what, in one place: role decorators, scope predicates and the scope filter
that every list query goes through."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import g, has_request_context, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Role, User
from app.auth.roles import PLACE_STAFF, STREET_MANAGED
from app.auth.signals import member_communities, members_in_scope, place_asked, places_within
from app.errors import Forbidden, NotFound, Unauthorized, is_api_request
from app.extensions import db
from app.signals import ask

# ---- decorators -------------------------------------------------------------------------

def roles_required(*roles: str):
    """Signed in (401 / login page) and holding one of `roles` (403). No roles: any user."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if is_api_request():
                    raise Unauthorized(_("需要登录"))
                return redirect(url_for("auth.login", next=request.full_path))
            if roles and current_user.role not in roles:
                raise Forbidden(_("无权操作"))
            return view(*args, **kwargs)

        return wrapper

    return decorator


login_required = roles_required()


# ---- scope predicates -------------------------------------------------------------------

def place_of(place_id: int | None):
    """The Place with that id, or None. The place tree sits above auth (app/places), which
    answers through the `place_asked` signal; with nobody answering every scope check fails."""
    return ask(place_asked, "auth", place_id=place_id) if place_id else None


def user_place(user: User):
    """The user's own place: the one loaded with him (User.place is joined), else asked for.
    Scope checks run this once per row of a list (the dispatch board: every order)."""
    place = user.__dict__.get("place")
    if place is not None and place.id == user.place_id:
        return place
    return place_of(user.place_id)


def can_manage_place(user: User, place) -> bool:
    """Admins everywhere; street admins and staff inside the subtree of their own place."""
    if place is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role not in PLACE_STAFF:
        return False
    own = user_place(user)
    return own is not None and place.path.startswith(own.path)


def can_create_account(user: User, role: str, place_id: int | None) -> bool:
    """Admins create any account; staff and street admins create residents of a place inside
    their scope. An unknown or missing place is let through: the service rejects it as a 422
    naming `place_id`."""
    if user.role == Role.ADMIN:
        return True
    if user.role not in PLACE_STAFF or role != Role.RESIDENT:
        return False
    place = place_of(place_id)
    return place is None or can_manage_place(user, place)


def can_see_account(viewer: User, account: User) -> bool:
    """Whether the viewer may know the account exists: admins all; staff and street admins the
    accounts placed inside their scope and the members they may view."""
    if viewer.role == Role.ADMIN:
        return True
    if account.role == Role.MEMBER:
        return can_view_member(viewer, account)
    return account.place_id is not None and can_manage_place(viewer, place_of(account.place_id))


def can_manage_account(actor: User, account: User, action: str) -> bool:
    """Who may reset another account's password (`action` "reset") or disable and re-enable it
    ("disable"): system admins any account; street admins the staff, residents and members
    inside their scope and the street admins below them; staff (reset only) the residents of
    their community. Nobody through these actions on his own account."""
    if actor.id == account.id:
        return False
    if actor.role == Role.ADMIN:
        return True
    if account.role == Role.ADMIN:
        return False
    if actor.role == Role.STAFF:
        return action == "reset" and account.role == Role.RESIDENT and can_see_account(actor, account)
    if actor.role != Role.STREET_ADMIN:
        return False
    if account.role == Role.MEMBER:
        return can_manage_member(actor, account)
    if account.role == Role.STREET_ADMIN and account.place_id == actor.place_id:
        return False  # a peer, not someone below
    return account.role in STREET_MANAGED and can_see_account(actor, account)


def require_manage_account(actor: User, account_id: int, action: str) -> User:
    """The account, if the actor may `action` it: 404 for an account he may not know exists,
    403 for one he sees but may not change."""
    account = db.session.get(User, account_id)
    if account is None or not can_see_account(actor, account):
        raise NotFound(_("账号不存在"))
    if not can_manage_account(actor, account, action):
        raise Forbidden(_("无权管理该账号"))
    return account


def can_manage_unit(user: User, unit_id: int) -> bool:
    """Admins, and the unit's own admin."""
    return user.role == Role.ADMIN or (user.role == Role.UNIT_ADMIN and user.unit_id == unit_id)


def require_manage_place(user: User, place):
    if place is None:
        raise NotFound(_("地区不存在"))
    if not can_manage_place(user, place):
        raise Forbidden(_("不在您的管辖范围"))
    return place


def require_manage_community(user: User, community_id: int | None):
    place = place_of(community_id)
    if place is None or not place.is_community:
        raise NotFound(_("社区不存在"))
    return require_manage_place(user, place)


def place_scope(user: User, place_id_column):
    """A WHERE clause limiting rows whose `place_id_column` is a place inside the user's scope.
    Admins see everything; everyone else with no place sees nothing."""
    if user.role == Role.ADMIN:
        return sa.true()
    own = user_place(user)
    if own is None:
        return sa.false()
    inside = ask(places_within, "auth", path=own.path)
    return place_id_column.in_(inside) if inside is not None else sa.false()


def member_community_ids(member_id: int) -> list[int]:
    """Communities that have (or had a pending) registration of the member."""
    return ask(member_communities, "auth", member_id=member_id) or []


def can_view_member(viewer: User, member: User) -> bool:
    """The member himself, his community's staff (and those above), his unit's admin."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.id == member.id or viewer.role == Role.ADMIN:
        return True
    if viewer.role == Role.UNIT_ADMIN:
        return member.unit_id is not None and member.unit_id == viewer.unit_id
    if viewer.role in PLACE_STAFF:
        for community_id in member_community_ids(member.id):
            if can_manage_place(viewer, place_of(community_id)):
                return True
    return False


def can_manage_member(viewer: User, member: User) -> bool:
    """Staff actions on a member (adjust points): staff over his active (approved) community.
    A pending registration lets its community's staff see him, not change his points."""
    if viewer.role == Role.ADMIN:
        return True
    if viewer.role not in PLACE_STAFF:
        return False
    active = ask(member_communities, "auth", member_id=member.id, active_only=True) or []
    return bool(active) and can_manage_place(viewer, place_of(active[0]))


def require_view_member(viewer: User, member_id: int) -> User:
    """404 both for an unknown id and for one the viewer may not know exists."""
    member = db.session.get(User, member_id)
    if member is None or member.role != Role.MEMBER:
        raise NotFound(_("党员不存在"))
    if not can_view_member(viewer, member):
        raise NotFound(_("党员不存在"))
    return member


# ---- phone masking ----------------------------------------------------------------------

def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def members_in_staff_scope(viewer: User) -> frozenset[int]:
    """Ids of the members with a pending or approved registration inside the staff member's
    scope (his community: a few thousand at most), i.e. those can_view_member lets him see.
    One query, remembered for the request, so a list showing phones costs no query per row."""
    cache: dict = g.setdefault("staff_members", {}) if has_request_context() else {}
    if viewer.id not in cache:
        cache[viewer.id] = ask(members_in_scope, "auth", viewer=viewer) or frozenset()
    return cache[viewer.id]


def can_see_phone(viewer, user: User) -> bool:
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.id == user.id or viewer.role == Role.ADMIN:
        return True
    if viewer.role == Role.STAFF:
        if user.role == Role.MEMBER:
            return user.id in members_in_staff_scope(viewer)
        return user.place_id is not None and can_manage_place(viewer, place_of(user.place_id))
    return False


def visible_phone(user: User, viewer=None) -> str | None:
    """The phone as `viewer` (default: the current user) may see it."""
    viewer = viewer if viewer is not None else current_user
    return user.phone if can_see_phone(viewer, user) else mask_phone(user.phone)
