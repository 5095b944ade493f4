"""Orders API: 点单 → 派单 → 接单 → 领单 → done → rated (API.md, "Orders")."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.auth.models import Role
from app.auth.permissions import roles_required, visible_phone
from app.auth.read_cache import cached_read
from app.auth.roles import ANYONE, STAFF_LIKE
from app.clock import utcnow
from app.orders import candidates as matching
from app.orders import services
from app.orders.access import roles_for
from app.orders.models import Order
from app.orders.queries import RESIDENT, list_orders, page_of
from app.orders.schemas import (
    BulkDispatchIn,
    BulkDispatchOut,
    CandidateList,
    CandidateQuery,
    CompleteIn,
    DispatchIn,
    InvitationOut,
    InviteIn,
    NoteIn,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderQuery,
    RateIn,
    ReasonIn,
    ReleaseIn,
    order_page,
)
from app.orders.states import Action

blp = Blueprint("orders_api", __name__, url_prefix="/api/v1/orders",
                description="Orders: residents' needs dispatched to units or members, claimed, "
                            "completed and rated")


def _done(order: Order) -> Order:
    """Commits the request's work and answers with the order as it now is (also when the
    actor can no longer see it, as a unit admin after declining)."""
    return services.get_order(order.id)


@blp.route("", methods=["POST"])
@blp.arguments(OrderIn)
@blp.response(201, OrderOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(Role.RESIDENT, *STAFF_LIKE)
def create_order(data):
    """点单: a resident places a need (in his community); staff may file one for a resident
    (`resident_id`), or for a walk-in resident known by `resident` {name, phone} (matched by
    phone, or created). Its deadline comes from its urgency."""
    walk_in = data.pop("resident", None)
    order = services.create_order(current_user, **data, walk_in=walk_in)
    return _done(order)


@blp.route("", methods=["GET"])
@blp.arguments(OrderQuery, location="query")
@blp.response(200, OrderPage)
@documents_errors(blp, 401, 403)
@roles_required(*ANYONE)
@cached_read
def list_(args):
    """The orders you may see: residents their own, staff those of their places, unit admins
    those sent to their unit, members those offered to them and those they claimed. Open
    statuses (and `overdue=true`) list by deadline, overdue first."""
    page, page_size = args.pop("page"), args.pop("page_size")
    now = utcnow()
    return order_page(page_of(list_orders(current_user, **args, now=now), page, page_size,
                              RESIDENT), now)  # claims and events: order_page reads them


@blp.route("/dispatch", methods=["POST"])
@blp.arguments(BulkDispatchIn)
@blp.response(200, BulkDispatchOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.DISPATCH))
def dispatch_many(data):
    """派单 of several submitted needs to the member pool at once (all or none): each as
    `POST /orders/{id}/dispatch` with `to_pool: true` would, and the batch audited once."""
    orders = services.dispatch_many(current_user, data["order_ids"], deadline=data["deadline"],
                                    note=data["note"])
    return {"items": [services.get_order(o.id) for o in orders], "total": len(orders)}


@blp.route("/<int:order_id>", methods=["GET"])
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*ANYONE)
def get(order_id):
    """One order with its deadline, overdue flag, timeline (events) and claims."""
    return services.visible_order(current_user, order_id)


@blp.route("/<int:order_id>/dispatch", methods=["POST"])
@blp.arguments(DispatchIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.DISPATCH))
def dispatch(data, order_id):
    """派单: staff of the community send it to a unit (`unit_id`, one that reported to the
    community) or to the member pool (`to_pool: true`); `deadline` else from its urgency."""
    return _done(services.dispatch(current_user, order_id, **data))


@blp.route("/<int:order_id>/reject", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.REJECT))
def reject(data, order_id):
    """Staff refuse a submitted order with a reason."""
    return _done(services.reject(current_user, order_id, data["reason"]))


@blp.route("/<int:order_id>/accept", methods=["POST"])
@blp.arguments(NoteIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.ACCEPT))
def accept(data, order_id):
    """接单: the admin of the unit it was sent to accepts it for the unit's members."""
    return _done(services.accept(current_user, order_id, data["note"]))


@blp.route("/<int:order_id>/decline", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.DECLINE))
def decline(data, order_id):
    """The unit sends a dispatched order back to the community (submitted again)."""
    return _done(services.decline(current_user, order_id, data["reason"]))


@blp.route("/<int:order_id>/claim", methods=["POST"])
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.CLAIM))
def claim(order_id):
    """领单: a member it is offered to takes a slot; `claimed` once all slots are taken; no slot
    left or already holding one: 409."""
    claim_row = services.claim(current_user, order_id)
    return services.get_order(claim_row.order_id)


@blp.route("/<int:order_id>/release", methods=["POST"])
@blp.arguments(ReleaseIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.RELEASE))
def release(data, order_id):
    """A claimer gives up his claim: the slot frees; it counts as abandoned (points deducted)."""
    return _done(services.release(current_user, order_id, data["reason"]))


@blp.route("/<int:order_id>/complete", methods=["POST"])
@blp.arguments(CompleteIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.COMPLETE))
def complete(data, order_id):
    """A claiming member reports it done, with a note."""
    return _done(services.complete(current_user, order_id, data["note"]))


@blp.route("/<int:order_id>/rate", methods=["POST"])
@blp.arguments(RateIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.RATE))
def rate(data, order_id):
    """The resident who placed it (or staff) rates 1-5: `closed`; the claimers' points are
    awarded once."""
    return _done(services.rate(current_user, order_id, data["score"], data["comment"]))


@blp.route("/<int:order_id>/reopen", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.REOPEN))
def reopen(data, order_id):
    """The resident, within 7 days of completion: back to `claimed` with the same claimers."""
    return _done(services.reopen(current_user, order_id, data["reason"]))


@blp.route("/<int:order_id>/cancel", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, OrderOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.CANCEL))
def cancel(data, order_id):
    """The resident before dispatch; staff any time before completion."""
    return _done(services.cancel(current_user, order_id, data["reason"]))


@blp.route("/<int:order_id>/candidates", methods=["GET"])
@blp.arguments(CandidateQuery, location="query")
@blp.response(200, CandidateList)
@documents_errors(blp, 401, 403, 404)
@roles_required(*roles_for(Action.INVITE))
def candidates(args, order_id):
    """Staff: members who could claim it, ranked by skills (category and text), same grid,
    stated availability and recent load, each with the reasons for its rank."""
    order, ranked = matching.candidates(current_user, order_id, args["limit"])
    items = [{**vars(c), "phone": visible_phone(c.user)} for c in ranked]
    return {"order_id": order.id, "items": items}


@blp.route("/<int:order_id>/invitations", methods=["POST"])
@blp.arguments(InviteIn)
@blp.response(201, InvitationOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*roles_for(Action.INVITE))
def invite(data, order_id):
    """Staff invite a candidate to claim it (he is notified; recorded on the timeline)."""
    invitation = matching.invite(current_user, order_id, data["member_id"])
    return invitation
