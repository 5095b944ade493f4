"""Order pages: the resident's form and list, the staff dispatch board, the unit inbox, the
member's open orders, the order detail (timeline, claimers, the viewer's actions, rating) and
the staff's candidates. Every action posts to one route that calls the same service as the API."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import nav
from app.auth.models import Role, User
from app.auth.permissions import login_required, mask_phone, place_scope, roles_required
from app.auth.roles import STAFF_LIKE
from app.clock import LOCAL_TZ, utcnow
from app.extensions import db
from app.i18n import N_
from app.orders import candidates as matching
from app.orders import forms, progress, services
from app.orders.access import can_see_contact, parties_of, viewer_for
from app.orders.models import CATEGORIES, Order, OrderStatus
from app.orders.queries import (
    CLAIMS,
    FINISHED,
    RESIDENT,
    list_orders,
    near_member_first,
    page_of,
    status_counts,
)
from app.orders.signals import teams_for_order
from app.orders.states import ACTION_LABELS, STATUS_LABELS, Action
from app.pages import submit_form
from app.params import query_page
from app.redirects import back_url
from app.registrations.units import reported_units
from app.signals import ask

bp = Blueprint("orders", __name__)
PAGE_SIZE = 20
nav.add(N_("我的需求"), "orders.resident_home", (Role.RESIDENT,), order=10)
nav.add(N_("群众点单"), "orders.member_orders", (Role.MEMBER,), order=16)
nav.add(N_("派单台"), "orders.board", STAFF_LIKE, order=12)
nav.add(N_("单位接单"), "orders.unit_inbox", (Role.UNIT_ADMIN,), order=12)


bp.record_once(lambda state: state.app.jinja_env.globals.update(  # also seen by imported macros
    ORDER_STATUS=STATUS_LABELS, ORDER_ACTIONS=ACTION_LABELS, URGENCY_LABELS=forms.URGENCY_LABELS,
    ORDER_CATEGORIES=CATEGORIES, RESIDENT_STATUS=progress.RESIDENT_STATUS,
    ORDER_STEP_LABELS=(*progress.STEP_LABELS, progress.RATED_LABEL)))



def _listing(stmt, *loads, count: bool = True):
    return page_of(stmt, query_page(), PAGE_SIZE, RESIDENT, *loads, count=count)


@bp.app_template_global()
def claimable_count() -> int:
    """The member home's "N 个需求等你认领": the needs near him he could claim now."""
    stmt = list_orders(current_user, claimable=True)
    return db.session.scalar(stmt.with_only_columns(sa.func.count(), maintain_column_froms=True)
                             .order_by(None)) or 0


# ---- residents -------------------------------------------------------------------------------

@bp.get("/resident/orders")
@roles_required(Role.RESIDENT)
def resident_home():
    """The resident's needs: the live and finished ones with their step bars, the cancelled or
    rejected ones apart (the latest 20)."""
    mine = list_orders(current_user).order_by(None)
    result = _listing(mine.where(Order.status.not_in(progress.STOPPED)).order_by(Order.id.desc()),
                      CLAIMS)
    stopped = db.session.scalars(mine.where(Order.status.in_(progress.STOPPED))
                                 .order_by(Order.id.desc()).limit(PAGE_SIZE)).all()
    return render_template("orders/resident_home.html", result=result, active=result["items"],
                           stopped=stopped, steps_of=progress.resident_steps, page=query_page(),
                           page_size=PAGE_SIZE, now=utcnow())


def _residents_for(staff: User) -> list[User]:
    """Residents of the communities (and their grids) the staff manages, by name."""
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.RESIDENT, User.is_active.is_(True),
                              place_scope(staff, User.place_id))
        .order_by(User.name, User.id).limit(500)))


@bp.route("/orders/new", methods=["GET", "POST"])
@roles_required(Role.RESIDENT, *STAFF_LIKE)
def new():
    form = forms.OrderForm()
    on_behalf = current_user.role != Role.RESIDENT
    if on_behalf:
        form.resident_id.choices = [(0, _("请选择居民"))] + [
            (r.id, _("%(name)s（%(place)s）", name=r.name, place=r.place.name if r.place else ""))
            for r in _residents_for(current_user)]
    else:  # a resident files for himself: one member is asked for
        del form.resident_id, form.slots
        if request.method == "GET":
            form.contact_phone.data = current_user.phone

    def place():
        resident = db.session.get(User, form.resident_id.data) if on_behalf else current_user
        order = services.create_order(
            current_user, resident_id=resident.id if resident else None,
            community_id=services.home_of(resident)[0] if resident else None,
            title=form.title.data, category=form.category.data,
            description=form.description.data or "", urgency=form.urgency.data,
            slots=(form.slots.data or 1) if on_behalf else 1, address=form.address.data or "",
            contact_phone=form.contact_phone.data or None)
        flash(_("需求已提交，社区会尽快安排"), "success")
        return redirect(url_for("orders.detail", order_id=order.id))

    return submit_form(form, place, lambda: render_template("orders/new.html", form=form,
                                                           on_behalf=on_behalf))


# ---- staff, unit admins, members --------------------------------------------------------------

UNIT_TABS = [OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.CLAIMED,
             OrderStatus.COMPLETED, OrderStatus.CLOSED, OrderStatus.CANCELLED]


@bp.get("/unit/orders")
@roles_required(Role.UNIT_ADMIN)
def unit_inbox():
    """The unit's inbox: orders sent to it, to accept or decline, with their claimers."""
    status = request.args.get("status", OrderStatus.DISPATCHED)
    status = status if status in UNIT_TABS else OrderStatus.DISPATCHED
    now = utcnow()
    stmt = list_orders(current_user, status=status, now=now)
    return render_template(
        "orders/unit_inbox.html",
        result=_listing(stmt, CLAIMS, count=status not in FINISHED), page=query_page(),
        page_size=PAGE_SIZE, now=now, status=status, tabs=UNIT_TABS,
        counts=status_counts(current_user, now=now), decline_form=forms.ReasonForm(),
        confirm_form=forms.ConfirmForm())


@bp.get("/orders/open")
@roles_required(Role.MEMBER)
def member_orders():
    """Orders near the member he can claim (his grid first), or the ones he claimed."""
    mine = request.args.get("mine") == "1"
    now = utcnow()
    if mine:
        stmt = list_orders(current_user, mine=True, now=now)
    else:
        stmt = near_member_first(current_user, list_orders(current_user, claimable=True, now=now))
    return render_template("orders/member_orders.html", result=_listing(stmt), page=query_page(),
                           page_size=PAGE_SIZE, now=now, mine=mine,
                           viewer=viewer_for(current_user), confirm_form=forms.ConfirmForm())


# ---- one order ----------------------------------------------------------------------------------

def _dispatch_targets(order: Order) -> list[tuple[str, str]]:
    units = reported_units(order.community_id)
    return [("pool", _("党员领单池（本社区党员直接领单）"))] + [(f"unit:{u.id}", u.name) for u in units]


# The detail page's form of each action (several reason boxes share one ReasonForm class).
ACTION_FORMS = {
    Action.DISPATCH: "dispatch_form", Action.ACCEPT: "note_form", Action.COMPLETE: "complete_form",
    Action.RELEASE: "release_form", Action.RATE: "rate_form",
}


def _detail_page(order_id: int, failed: tuple[str, object] | None = None):
    """The order as the viewer may see it, with the actions he may take; `failed` = (action,
    form) re-shows a refused form with its errors and what was typed."""
    order = services.visible_order(current_user, order_id)
    viewer = viewer_for(current_user)
    parties = parties_of(viewer, order)
    actions = services.actions_for(current_user, order)
    page_forms = {name: form_class(formdata=None) for name, form_class in (
        ("dispatch_form", forms.DispatchForm), ("reason_form", forms.ReasonForm),
        ("note_form", forms.NoteForm), ("complete_form", forms.CompleteForm),
        ("release_form", forms.ReleaseForm), ("rate_form", forms.RateForm),
        ("confirm_form", forms.ConfirmForm))}
    failed_action, failed_form = failed or (None, None)
    if failed_action in ACTION_FORMS:
        page_forms[ACTION_FORMS[failed_action]] = failed_form
    if Action.DISPATCH in actions:
        page_forms["dispatch_form"].target.choices = _dispatch_targets(order)
    return render_template(
        "orders/detail.html", order=order, now=utcnow(), actions=actions, parties=parties,
        contact=order.contact_phone if can_see_contact(viewer, order) else mask_phone(order.contact_phone),
        reopen_until=services.reopen_until(order), steps=progress.resident_steps(order),
        failed_action=failed_action, failed_form=failed_form, **page_forms)


@bp.get("/orders/<int:order_id>")
@login_required
def detail(order_id):
    return _detail_page(order_id)


@bp.get("/orders/<int:order_id>/candidates")
@roles_required(*STAFF_LIKE)
def candidates_page(order_id):
    order, ranked = matching.candidates(current_user, order_id, limit=30)
    teams = (ask(teams_for_order, "orders", order=order) or []) if order.to_pool else []
    return render_template("orders/candidates.html", order=order, ranked=ranked, now=utcnow(), teams=teams)


def _deadline(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=LOCAL_TZ) if value is not None else None


def _target(form) -> dict:
    kind, _, unit_id = (form.target.data or "").partition(":")
    if kind == "unit" and unit_id.isdigit():
        return {"unit_id": int(unit_id), "to_pool": False}
    return {"unit_id": None, "to_pool": kind == "pool"}


# action -> (form, service call, message). The service judges who may (404 / 403 / 409).
PAGE_ACTIONS = {
    Action.DISPATCH: (forms.DispatchForm, lambda f, oid: services.dispatch(
        current_user, oid, **_target(f), deadline=_deadline(f.deadline.data), note=f.note.data or ""),
        _l("已派单")),
    Action.REJECT: (forms.ReasonForm, lambda f, oid: services.reject(current_user, oid, f.reason.data),
                    _l("已退回")),
    Action.ACCEPT: (forms.NoteForm, lambda f, oid: services.accept(current_user, oid, f.note.data or ""),
                    _l("已接单，请安排本单位党员领单")),
    Action.DECLINE: (forms.ReasonForm, lambda f, oid: services.decline(current_user, oid, f.reason.data),
                     _l("已退回社区")),
    Action.CLAIM: (forms.ConfirmForm, lambda f, oid: services.claim(current_user, oid), _l("领单成功")),
    Action.RELEASE: (forms.ReleaseForm, lambda f, oid: services.release(
        current_user, oid, f.reason.data or ""), _l("已放弃领单")),
    Action.COMPLETE: (forms.CompleteForm, lambda f, oid: services.complete(current_user, oid, f.note.data),
                      _l("已标记完成，等待居民评价")),
    Action.RATE: (forms.RateForm, lambda f, oid: services.rate(
        current_user, oid, f.score.data, f.comment.data or ""), _l("感谢评价")),
    Action.REOPEN: (forms.ReasonForm, lambda f, oid: services.reopen(current_user, oid, f.reason.data),
                    _l("已重新打开，党员会继续办理")),
    Action.CANCEL: (forms.ReasonForm, lambda f, oid: services.cancel(current_user, oid, f.reason.data),
                    _l("已取消")),
    Action.INVITE: (forms.InviteForm, lambda f, oid: matching.invite(
        current_user, oid, int(f.member_id.data) if str(f.member_id.data).isdigit() else 0),
        _l("已发送邀请")),
}


@bp.post("/orders/<int:order_id>/<action>")
@login_required
def act(order_id, action):
    if action not in set(PAGE_ACTIONS):
        abort(404)
    form_class, call, message = PAGE_ACTIONS[Action(action)]
    form = form_class()
    if form_class is forms.DispatchForm:
        form.target.choices = [(form.target.data, form.target.data)] if form.target.data else []

    def done():
        call(form, order_id)
        flash(str(message), "success")
        if action == Action.DECLINE:
            return redirect(url_for("orders.unit_inbox"))
        if action in (Action.CLAIM, Action.RATE, Action.COMPLETE):  # on to the order and its next step
            return redirect(url_for("orders.detail", order_id=order_id))
        return redirect(back_url(url_for("orders.detail", order_id=order_id)))

    return submit_form(form, done, lambda: _detail_page(order_id, failed=(action, form)),
                       conflicts_at_form=False)
