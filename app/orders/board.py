"""The staff's dispatch board (派单台): a dense table on a desktop, compact cards on a phone,
with search and filters as GET parameters, each need's urgency and time left, dispatch inline
(to the member pool or a unit that reported to the community, with a deadline choice) and
several needs to the pool at once. Plain forms; nothing needs JavaScript."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import SelectField, SelectMultipleField

from app.auth.permissions import roles_required
from app.auth.read_cache import cached_read
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow
from app.forms import Form
from app.orders import services
from app.orders.models import CATEGORIES, Order, OrderStatus, Urgency
from app.orders.queries import FINISHED, OPEN, list_orders, page_of, status_counts
from app.orders.views import PAGE_SIZE, bp
from app.params import query_choice, query_id, query_page, query_text
from app.places.models import PlaceKind
from app.places.services import communities_in_scope, places_in_scope
from app.redirects import safe_path
from app.registrations.units import units_reported_to

BOARD_TABS = [OPEN, *OrderStatus]
# Deadline choices of an inline dispatch, in hours from now ("" keeps the urgency's).
WITHIN_CHOICES = [("", _l("按紧急程度")), ("2", _l("2 小时内")), ("24", _l("1 天内")),
                  ("72", _l("3 天内")), ("168", _l("7 天内")), ("336", _l("14 天内"))]
POOL = "pool"


class BoardDispatchForm(Form):
    """One need (inline) or several (ticked) sent from the board."""

    order_ids = SelectMultipleField(_l("需求"), coerce=int, validate_choice=False)
    target = SelectField(_l("派给"), validate_choice=False, default=POOL)
    within = SelectField(_l("期限"), choices=WITHIN_CHOICES, default="")


def time_left(order: Order, now: datetime) -> tuple[str, str]:
    """("还剩 1 小时" / "已超期 3 天", its css class: late, soon or ok) for an open order."""
    if order.deadline is None:
        return "", "ok"
    delta = order.deadline - now
    late = delta < timedelta(0)
    seconds = abs(delta.total_seconds())
    if seconds >= 86400:
        amount = ngettext("%(num)s 天", "%(num)s 天", int(seconds // 86400))
    elif seconds >= 3600:
        amount = ngettext("%(num)s 小时", "%(num)s 小时", int(seconds // 3600))
    else:
        amount = ngettext("%(num)s 分钟", "%(num)s 分钟", max(1, int(seconds // 60)))
    if late:
        return _("已超期 %(amount)s", amount=amount), "late"
    return _("还剩 %(amount)s", amount=amount), "soon" if seconds < 86400 else "ok"


bp.record_once(lambda state: state.app.jinja_env.globals.update(order_time_left=time_left))


def board_filters() -> dict:
    """The board's GET parameters, checked: a bad one is a 400 naming it."""
    return {
        "status": query_choice("status", BOARD_TABS, OPEN),
        "overdue": query_choice("overdue", ("1",)) == "1",
        "due_soon": query_choice("due_soon", ("1",)) == "1",
        "community_id": query_id("community_id"),
        "grid_id": query_id("grid_id"),
        "unit_id": query_id("unit_id"),
        "category": query_choice("category", CATEGORIES),
        "urgency": query_choice("urgency", list(Urgency)),
        "text": query_text("q"),
    }


def _link_args(filters: dict) -> dict:
    """The filters as URL parameters (only those set), for links and the pager."""
    args = {**filters, "q": filters["text"], "overdue": 1 if filters["overdue"] else None,
            "due_soon": 1 if filters["due_soon"] else None}
    del args["text"]
    return {k: v for k, v in args.items() if v}


@bp.get("/staff/orders")
@roles_required(*STAFF_LIKE)
@cached_read
def board():
    """Open needs by deadline (overdue first), filtered; each submitted one with its dispatch."""
    filters = board_filters()
    now = utcnow()
    stmt = list_orders(current_user, now=now, overdue=True if filters["overdue"] else None,
                       **{k: v for k, v in filters.items() if k != "overdue"})
    result = page_of(stmt, query_page(), PAGE_SIZE, joinedload(Order.resident), joinedload(Order.grid),
                     joinedload(Order.unit), joinedload(Order.community),
                     count=filters["status"] not in FINISHED)
    units = units_reported_to({o.community_id for o in result["items"]})
    waiting = [o.id for o in result["items"] if o.status == OrderStatus.SUBMITTED]
    next_of = {order_id: (waiting[i + 1] if i + 1 < len(waiting) else None)  # the next need
               for i, order_id in enumerate(waiting)}
    return render_template(
        "orders/board.html", result=result, page=query_page(), page_size=PAGE_SIZE, now=now,
        filters=filters, link_args=_link_args(filters), tabs=BOARD_TABS,
        counts=status_counts(current_user, community_id=filters["community_id"], now=now),
        communities=communities_in_scope(current_user) if current_user.role != "staff" else [],
        grids=places_in_scope(current_user, PlaceKind.GRID, limit=300),
        filter_units=units_reported_to({c.id for c in communities_in_scope(current_user)}, flat=True),
        units=units, next_of=next_of, form=BoardDispatchForm(), within_choices=WITHIN_CHOICES,
        back=request.full_path)


def _target(value: str | None) -> tuple[bool, int | None]:
    """("pool" → (True, None)); ("unit:N" → (True, N)); anything else (False, None)."""
    if (value or POOL) == POOL:
        return True, None
    kind, _sep, unit_id = value.partition(":")
    if kind == "unit" and unit_id.isdigit() and len(unit_id) < 10:
        return True, int(unit_id)
    return False, None


def _refused(form: BoardDispatchForm) -> str | None:
    """Why the board's dispatch cannot go ahead (the first field in error), else None."""
    known, unit_id = _target(form.target.data)
    if not form.validate_on_submit():
        field, errors = next(iter(form.errors.items()))
        return _("%(field)s：%(error)s", field=form[field].label.text, error=errors[0])
    if not form.order_ids.data:
        return _("请先勾选要派出的需求")
    if not known:
        return _("%(field)s：不是可选的值", field=form.target.label.text)
    if unit_id is not None and len(form.order_ids.data) > 1:
        return _("一次派给多条需求时只能派往党员领单池")
    return None


@bp.post("/staff/orders/dispatch")
@roles_required(*STAFF_LIKE)
def board_dispatch():
    """派单 from the board: the ticked needs (or one inline) to the pool, or one to a unit;
    back to the board where the next need waits (`next_id`: its anchor)."""
    form = BoardDispatchForm()
    back = safe_path(request.form.get("back")) or url_for("orders.board", status="submitted")
    refused = _refused(form)
    if refused:
        flash(refused, "error")
        return redirect(back)
    now = utcnow()
    deadline = now + timedelta(hours=int(form.within.data)) if form.within.data else None
    unit_id = _target(form.target.data)[1]
    if unit_id is None:
        done = len(services.dispatch_many(current_user, form.order_ids.data, deadline=deadline, now=now))
    else:
        done = len([services.dispatch(current_user, form.order_ids.data[0], unit_id=unit_id,
                                      deadline=deadline, now=now)])
    flash(ngettext("已派出 %(num)s 条需求", "已派出 %(num)s 条需求", done), "success")
    next_id = query_id("next_id", request.form)
    return redirect(back + (f"#order-{next_id}" if next_id else ""))
