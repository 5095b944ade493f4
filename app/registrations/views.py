"""Member home, registration form and the staff approval queue."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.extensions import db
from app.places.models import PlaceKind
from app.places.services import list_places
from app.registrations import services
from app.registrations.forms import RegistrationForm, RejectForm, split_skills

bp = Blueprint("registrations", __name__)
STAFF = (Role.STAFF, Role.STREET_ADMIN, Role.ADMIN)
nav.add("我的主页", "registrations.member_home", (Role.MEMBER,), order=10)
nav.add("报到审核", "registrations.queue", STAFF, order=10)


def _fill_choices(form: RegistrationForm) -> None:
    communities = list_places(PlaceKind.COMMUNITY)
    form.community_id.choices = [(c.id, c.name) for c in communities]
    grids = list_places(PlaceKind.GRID)
    names = {c.id: c.name for c in communities}
    form.grid_id.choices = [(0, "不确定")] + [
        (g.id, f"{names.get(g.parent_id, '')} · {g.name}") for g in grids
    ]


@bp.get("/me")
@roles_required(Role.MEMBER)
def member_home():
    return render_template(
        "registrations/member_home.html",
        active=services.open_registration(current_user.id),
        history=services.history(current_user.id),
    )


@bp.route("/register", methods=["GET", "POST"])
@roles_required(Role.MEMBER)
def register_page():
    form = RegistrationForm()
    _fill_choices(form)
    current = services.open_registration(current_user.id)
    if form.validate_on_submit():
        values = dict(
            community_id=form.community_id.data, grid_id=form.grid_id.data or None,
            address=form.address.data, skills=split_skills(form.skills.data),
            availability=form.availability.data or "",
        )
        if current is not None and current.status == "approved":
            services.transfer(current_user, current.id, community_id=values["community_id"],
                              grid_id=values["grid_id"], address=values["address"])
            flash("已提交转移报到，等待新社区审核", "success")
        else:
            services.register(current_user, **values)
            flash("报到已提交，等待社区审核", "success")
        db.session.commit()
        return redirect(url_for("registrations.member_home"))
    return render_template("registrations/register.html", form=form, current=current)


@bp.get("/staff/registrations")
@roles_required(*STAFF)
def queue():
    status = request.args.get("status", "pending")
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = services.list_registrations(current_user, status=status or None)
    result = paginate(db.session, stmt, page, 20)
    return render_template("registrations/queue.html", result=result, status=status, page=page,
                           reject_form=RejectForm())


@bp.post("/staff/registrations/<int:reg_id>/approve")
@roles_required(*STAFF)
def approve(reg_id):
    reg = services.approve(current_user, reg_id)
    db.session.commit()
    flash(f"已通过 {reg.member.name} 的报到", "success")
    return redirect(url_for("registrations.queue"))


@bp.post("/staff/registrations/<int:reg_id>/reject")
@roles_required(*STAFF)
def reject(reg_id):
    form = RejectForm()
    if not form.validate_on_submit():
        flash("请填写驳回原因", "error")
        return redirect(url_for("registrations.queue"))
    reg = services.reject(current_user, reg_id, form.reason.data)
    db.session.commit()
    flash(f"已驳回 {reg.member.name} 的报到", "success")
    return redirect(url_for("registrations.queue"))
