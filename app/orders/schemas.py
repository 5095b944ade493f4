from datetime import datetime

import marshmallow as ma
from flask import Response, jsonify
from flask_login import current_user
from marshmallow import fields, validate

from app.api_base import Id, Integer, PageArgs, aware, one_of, page_schema, text
from app.auth.permissions import mask_phone
from app.clock import utcnow
from app.orders.access import CONTACT_PARTIES, can_see_contact, parties_of, viewer_for
from app.orders.models import CATEGORIES, Order, OrderStatus, Urgency
from app.orders.queries import OPEN, Timeline, timelines
from app.orders.services import MAX_BULK, MAX_SLOTS, actions_for


class WalkInResidentIn(ma.Schema):
    name = text(1, 64, required=True)
    phone = text(1, 40, required=True)


class OrderIn(ma.Schema):
    community_id = Id(load_default=None, allow_none=True,
                      metadata={"description": "a resident's own by default"})
    grid_id = Id(load_default=None, allow_none=True)
    title = text(1, 100, required=True)
    description = text(0, 2000, load_default="")
    category = one_of(CATEGORIES, required=True)
    urgency = fields.String(load_default=Urgency.NORMAL.value, validate=validate.OneOf(list(Urgency)))
    slots = Integer(load_default=1, validate=validate.Range(min=1, max=MAX_SLOTS))
    resident_id = Id(load_default=None, allow_none=True,
                     metadata={"description": "staff filing for a resident: required"})
    contact_phone = text(0, 20, load_default=None, allow_none=True)
    address = text(0, 200, load_default="")
    resident = fields.Nested(WalkInResidentIn, load_default=None, allow_none=True, metadata={
        "description": "staff filing for a walk-in resident: matched by phone, or created"})


class DispatchIn(ma.Schema):
    unit_id = Id(load_default=None, allow_none=True)
    to_pool = fields.Boolean(load_default=False)
    deadline = aware(load_default=None, allow_none=True)
    note = text(0, 400, load_default="")


class BulkDispatchIn(ma.Schema):
    order_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=MAX_BULK),
                            metadata={"description": "the submitted needs to send to the member pool"})
    deadline = aware(load_default=None, allow_none=True,
                     metadata={"description": "the same deadline for all; else each from its urgency"})
    note = text(0, 400, load_default="")


class BulkDispatchOut(ma.Schema):
    items = fields.List(fields.Nested(lambda: OrderOut()), required=True)
    total = fields.Integer(required=True)


class ReasonIn(ma.Schema):
    reason = text(1, 500, required=True)


class NoteIn(ma.Schema):
    note = text(0, 500, load_default="")


class CompleteIn(ma.Schema):
    note = text(1, 500, required=True, metadata={"description": "what was done"})


class ReleaseIn(ma.Schema):
    reason = text(0, 500, load_default="")


class RateIn(ma.Schema):
    score = Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = text(0, 500, load_default="")


class InviteIn(ma.Schema):
    member_id = Id(required=True)


class OrderQuery(PageArgs):
    status = fields.String(validate=validate.OneOf([*OrderStatus, OPEN]))
    community_id = Id()
    unit_id = Id()
    grid_id = Id()
    category = one_of(CATEGORIES)
    urgency = fields.String(validate=validate.OneOf(list(Urgency)))
    text = text(0, 100, metadata={"description": "words found in the title, address or description"})
    due_soon = fields.Boolean(metadata={"description": "open, due within 24 hours"})
    overdue = fields.Boolean()
    claimable = fields.Boolean(metadata={"description": "members: only those I can claim now"})
    mine = fields.Boolean(metadata={"description": "members: only those I claimed"})


class CandidateQuery(ma.Schema):
    limit = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class EventOut(ma.Schema):
    at = fields.DateTime(required=True)
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.Function(lambda e: e.actor.name if e.actor else None)
    action = fields.String(required=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(required=True)
    note = fields.String()


class ClaimOut(ma.Schema):
    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member_name = fields.Function(lambda c: c.member.name)
    claimed_at = fields.DateTime(required=True)
    released_at = fields.DateTime(allow_none=True)
    abandoned = fields.Boolean()
    active = fields.Function(lambda c: c.released_at is None)


class OrderOut(ma.Schema):
    id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
    community_name = fields.Function(lambda o: o.community.name)
    grid_id = fields.Integer(allow_none=True)
    title = fields.String(required=True)
    description = fields.String()
    category = fields.String()
    urgency = fields.String()
    slots = fields.Integer(required=True)
    claimed_count = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(OrderStatus)))
    resident_id = fields.Integer(allow_none=True)
    resident_name = fields.Function(lambda o: o.resident.name if o.resident else None)
    contact_phone = fields.Method("get_contact_phone", allow_none=True,
                                  metadata={"description": "masked unless you are the resident, "
                                                           "staff of the community or a claimer"})
    address = fields.String()
    unit_id = fields.Integer(allow_none=True)
    unit_name = fields.Function(lambda o: o.unit.name if o.unit else None)
    to_pool = fields.Boolean()
    deadline = fields.DateTime(allow_none=True)
    overdue = fields.Method("get_overdue", required=True)
    reason = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    reopen_count = fields.Integer()
    created_at = fields.DateTime()
    dispatched_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    events = fields.List(fields.Nested(EventOut), required=True)
    claims = fields.List(fields.Nested(ClaimOut), required=True)
    actions = fields.Method("get_actions", metadata={"description": "what you may do now"})

    def get_overdue(self, order) -> bool:
        return order.is_overdue(utcnow())

    def get_contact_phone(self, order):
        if current_user.is_authenticated and can_see_contact(viewer_for(current_user), order):
            return order.contact_phone
        return mask_phone(order.contact_phone)

    def get_actions(self, order) -> list[str]:
        if not current_user.is_authenticated:
            return []
        return [str(a) for a in actions_for(current_user, order)]


class CandidateOut(ma.Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    phone = fields.String(allow_none=True)
    grid_id = fields.Integer(allow_none=True)
    grid_name = fields.String(allow_none=True)
    skills = fields.List(fields.String())
    availability = fields.String()
    open_claims = fields.Integer(required=True)
    recent_claims = fields.Integer(required=True)
    score = fields.Integer(required=True)
    reasons = fields.List(fields.String(), required=True)
    invited = fields.Boolean()


class CandidateList(ma.Schema):
    order_id = fields.Integer(required=True)
    items = fields.List(fields.Nested(CandidateOut), required=True)


class InvitationOut(ma.Schema):
    id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    created_at = fields.DateTime()


OrderPage = page_schema(OrderOut, "OrderPage")


# ---- lists, without marshmallow ------------------------------------------------------------
# A board page dumps 20 orders with their events and claims, some 600 values: through
# marshmallow (~7 µs a value) most of the request's time. order_out() writes OrderOut's dump
# out by hand; tests/orders/test_schemas.py checks it gives what OrderOut().dump() gives, for
# orders in every state and viewers of every role (a field added to OrderOut and not here
# fails it). OrderOut stays the documented schema (OrderPage in the OpenAPI document).

def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _str(value) -> str | None:
    return None if value is None else str(value)


def _event_out(event) -> dict:
    return {"at": _iso(event.at), "actor_id": event.actor_id,
            "actor_name": event.actor.name if event.actor else None, "action": _str(event.action),
            "from_status": _str(event.from_status), "to_status": _str(event.to_status),
            "note": _str(event.note)}


def _claim_out(claim) -> dict:
    return {"id": claim.id, "member_id": claim.member_id, "member_name": claim.member.name,
            "claimed_at": _iso(claim.claimed_at), "released_at": _iso(claim.released_at),
            "abandoned": None if claim.abandoned is None else bool(claim.abandoned),
            "active": claim.released_at is None}


def order_out(order: Order, now: datetime, timeline: Timeline | None = None) -> dict:
    """What OrderOut().dump(order) gives for the signed-in user, `now` being the request's
    moment (overdue, the reopening window). `timeline`: the order's claims and events read as
    rows (queries.timelines), else `order.claims` and `order.events`."""
    source = timeline or order
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        parties = parties_of(viewer_for(user), order, timeline)
        phone = order.contact_phone if parties & CONTACT_PARTIES else mask_phone(order.contact_phone)
        actions = [str(a) for a in actions_for(user, order, now, parties)]
    else:
        phone, actions = mask_phone(order.contact_phone), []
    return {
        "id": order.id, "community_id": order.community_id, "community_name": order.community.name,
        "grid_id": order.grid_id, "title": _str(order.title), "description": _str(order.description),
        "category": _str(order.category), "urgency": _str(order.urgency), "slots": order.slots,
        "claimed_count": order.claimed_count, "status": _str(order.status),
        "resident_id": order.resident_id,
        "resident_name": order.resident.name if order.resident else None,
        "contact_phone": phone, "address": _str(order.address), "unit_id": order.unit_id,
        "unit_name": order.unit.name if order.unit else None,
        "to_pool": None if order.to_pool is None else bool(order.to_pool),
        "deadline": _iso(order.deadline), "overdue": order.is_overdue(now),
        "reason": _str(order.reason), "score": order.score,
        "rating_comment": _str(order.rating_comment), "reopen_count": order.reopen_count,
        "created_at": _iso(order.created_at), "dispatched_at": _iso(order.dispatched_at),
        "accepted_at": _iso(order.accepted_at), "claimed_at": _iso(order.claimed_at),
        "completed_at": _iso(order.completed_at), "closed_at": _iso(order.closed_at),
        "events": [_event_out(e) for e in source.events],
        "claims": [_claim_out(c) for c in source.claims],
        "actions": actions,
    }


def order_page(result: dict, now: datetime) -> Response:
    """OrderPage's JSON answer for page_of()'s result."""
    found = timelines([o.id for o in result["items"]])
    return jsonify(items=[order_out(o, now, found[o.id]) for o in result["items"]],
                   total=result["total"])
