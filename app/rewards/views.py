"""Pages of 积分兑换: members see their balance and the catalogue and redeem; staff keep the
catalogue and hand items over."""
import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.errors import DomainError
from app.extensions import db
from app.forms import form_page
from app.i18n import N_
from app.params import query_page
from app.places.services import places_in_scope
from app.points.spending import balance_of
from app.rewards import services
from app.rewards.forms import RedeemForm, RewardForm
from app.rewards.models import RedemptionStatus

bp = Blueprint("rewards", __name__)
nav.add(N_("积分兑换"), "rewards.index", (Role.MEMBER, *services.MANAGERS), order=42)
STATUS_LABELS = {RedemptionStatus.REQUESTED: N_("待领取"), RedemptionStatus.FULFILLED: N_("已领取"),
                 RedemptionStatus.CANCELLED: N_("已取消")}
PAGE_SIZE = 20


@bp.route("/rewards")
@roles_required(Role.MEMBER, *services.MANAGERS)
def index():
    page = query_page()
    rewards = paginate(db.session, services.rewards_query(current_user), page, PAGE_SIZE)
    mine = balance = None
    if current_user.role == Role.MEMBER:
        balance = balance_of(current_user.id)
        mine = db.session.scalars(services.redemptions_query(current_user).limit(20)).all()
    return render_template("rewards/index.html", rewards=rewards, page=page, balance=balance, mine=mine,
                           request_key=uuid.uuid4().hex, statuses=STATUS_LABELS, page_size=PAGE_SIZE)


@bp.route("/rewards/new", methods=["GET", "POST"])
@roles_required(*services.MANAGERS)
def new_reward():
    form = RewardForm()
    form.place_id.choices = [(p.id, p.name) for p in places_in_scope(current_user, *services.OFFERING_KINDS)]
    return form_page(form, "rewards/form.html", lambda: services.create_reward(
        current_user, place_id=form.place_id.data, name=form.name.data,
        description=form.description.data or "", points=form.points.data, stock=form.stock.data,
        per_member_limit=form.per_member_limit.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data), _("兑换物品已上架"), lambda _reward: url_for("rewards.index"))


@bp.post("/rewards/<int:reward_id>/redeem")
@roles_required(Role.MEMBER)
def redeem(reward_id):
    form = RedeemForm()
    if not form.validate_on_submit():
        flash(_("请刷新页面后重试"), "error")
        return redirect(url_for("rewards.index"))
    try:
        _redemption, created = services.redeem(current_user, reward_id, form.request_key.data or None)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("rewards.index"))
    flash(_("兑换成功，请到社区领取") if created else _("已兑换过（重复提交不会重复扣分）"), "success")
    return redirect(url_for("rewards.index"))


@bp.route("/rewards/redemptions")
@roles_required(*services.MANAGERS)
def redemptions():
    page = query_page()
    stmt = services.redemptions_query(current_user, RedemptionStatus.REQUESTED)
    return render_template("rewards/redemptions.html", page=page, page_size=PAGE_SIZE,
                           items=paginate(db.session, stmt, page, PAGE_SIZE), statuses=STATUS_LABELS)


@bp.post("/redemptions/<int:redemption_id>/<any(fulfil, cancel):action>")
@roles_required(Role.MEMBER, *services.MANAGERS)
def decide(redemption_id, action):
    try:
        services.decide(current_user, redemption_id, action)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        flash(_("已标记为已领取") if action == "fulfil" else _("已取消，积分已退回"), "success")
    if current_user.role == Role.MEMBER:
        return redirect(url_for("rewards.index"))
    return redirect(url_for("rewards.redemptions"))
