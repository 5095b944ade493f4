"""The records photos belong to: who may see a record's photos (who may see the record) and
who may add to them (its author while it waits for a decision; an active claimer of an order
until it is closed). Anyone else is told the record does not exist (404)."""
from __future__ import annotations

from flask_babel import gettext as _

from app.auth.models import User
from app.errors import Conflict, Forbidden, NotFound
from app.orders.models import OrderStatus
from app.orders.services import visible_order
from app.photos.models import OwnerType
from app.service.models import RecordStatus, SuggestionStatus
from app.service.services import visible_record, visible_suggestion

FINDERS = {OwnerType.SERVICE_RECORD: visible_record, OwnerType.ORDER: visible_order,
           OwnerType.SUGGESTION: visible_suggestion}
ORDER_OPEN_FOR_PHOTOS = (OrderStatus.ACCEPTED, OrderStatus.CLAIMED, OrderStatus.COMPLETED)


def visible_owner(viewer: User, owner_type: str, owner_id: int):
    """The record if the viewer may see it; 404 otherwise (also for roles that never may)."""
    try:
        return FINDERS[OwnerType(owner_type)](viewer, owner_id)
    except Forbidden:
        raise NotFound(_("记录不存在")) from None


def require_uploader(viewer: User, owner_type: str, owner_id: int):
    """The record the viewer may add photos to (403 to one who sees it but may not add)."""
    owner = visible_owner(viewer, owner_type, owner_id)
    if owner_type == OwnerType.ORDER:
        if not any(c.member_id == viewer.id for c in owner.active_claims):
            raise Forbidden(_("只有领单的党员可以上传照片"))
        if owner.status not in ORDER_OPEN_FOR_PHOTOS:
            raise Conflict(_("点单已结束，不能再上传照片"))
        return owner
    if owner.member_id != viewer.id:
        raise Forbidden(_("只有提交人可以上传照片"))
    if owner.status not in (RecordStatus.PENDING, SuggestionStatus.PENDING):
        raise Conflict(_("已处理的记录不能再上传照片"))
    return owner
