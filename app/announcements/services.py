"""通知公告: staff post to their community, street admins to their street or a community in it,
system admins anywhere (the district too). A member sees those of his community, its street
and the district; a resident those above his grid or community; staff and admins also what
is inside their scope. Expired ones are hidden; pinned ones come first. The daily pass
(app/reminders) puts new ones in the audience's daily digest. Services flush; the caller
commits."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.announcements.models import Announcement
from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import place_scope, require_manage_place
from app.auth.roles import STAFF_LIKE
from app.clock import local_today, utcnow
from app.errors import Invalid
from app.extensions import db
from app.places.models import Place, PlaceKind
from app.places.services import get_place
from app.registrations.services import active_registration

POSTERS = STAFF_LIKE
TARGET_KINDS = (PlaceKind.COMMUNITY, PlaceKind.STREET, PlaceKind.DISTRICT)


def post(actor: User, *, place_id: int, title: str, body: str, is_pinned: bool = False,
         expires_on: date | None = None, now: datetime | None = None) -> Announcement:
    place = require_manage_place(actor, get_place(place_id))
    if place.kind not in TARGET_KINDS:
        raise Invalid("place_id", _("请选择社区、街道或全区"))
    now = now or utcnow()
    if expires_on is not None and expires_on < local_today(now):
        raise Invalid("expires_on", _("到期日期不能早于今天"))
    item = Announcement(place_id=place.id, title=title, body=body, is_pinned=is_pinned,
                        expires_on=expires_on, author_id=actor.id, created_at=now)
    db.session.add(item)
    db.session.flush()
    record(actor, "announcement.post", item, {"title": title, "place_id": place.id}, now=now)
    return item


def _places_above(viewer: User) -> list[int]:
    """The places whose announcements reach the viewer where he lives or serves."""
    if viewer.role == Role.MEMBER:
        reg = active_registration(viewer.id)
        place = db.session.get(Place, reg.community_id) if reg is not None else None
    elif viewer.role == Role.UNIT_ADMIN:
        return list(db.session.scalars(sa.select(Place.id).where(Place.kind == PlaceKind.DISTRICT)))
    else:
        place = db.session.get(Place, viewer.place_id) if viewer.place_id else None
    return place.ancestor_ids() if place is not None else []


def announcements_query(viewer: User, today: date | None = None):
    """What the viewer sees, pinned first then newest; expired ones left out."""
    today = today or local_today()
    reach = Announcement.place_id.in_(_places_above(viewer) or [0])
    if viewer.role in POSTERS:
        reach = sa.or_(reach, place_scope(viewer, Announcement.place_id))
    return (sa.select(Announcement)
            .where(reach, sa.or_(Announcement.expires_on.is_(None), Announcement.expires_on >= today))
            .order_by(Announcement.is_pinned.desc(), Announcement.created_at.desc(), Announcement.id.desc()))


def latest_for(viewer: User, limit: int = 3) -> list[Announcement]:
    """The few a home page shows."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(db.session.scalars(announcements_query(viewer).limit(limit)))
