"""Member home, registration and transfer forms, the staff approval queue, and 组织报到 (staff
register units with communities; the unit admin's home lists his unit's reports)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.read_cache import cached_read
from app.auth.roles import STAFF_LIKE
from app.extensions import db
from app.i18n import N_
from app.pages import submit_form
from app.params import query_id, query_page
from app.places.services import communities_managed_by, get_unit, list_units, place_choices
from app.redirects import safe_path
from app.registrations import services, units
from app.registrations.forms import (
    RegistrationForm,
    RejectForm,
    TransferForm,
    UnitRegistrationForm,
    split_skills,
)
from app.registrations.models import RegistrationStatus
from app.registrations.resources import unit_resources

bp = Blueprint("registrations", __name__)
PAGE_SIZE = 20
UNIT_PAGE_SIZE = 30  # 组织报到 lists
nav.add(N_("我的主页"), "registrations.member_home", (Role.MEMBER,), order=10)
nav.add(N_("报到审核"), "registrations.queue", STAFF_LIKE, order=10)
nav.add(N_("组织报到"), "registrations.unit_registrations", STAFF_LIKE, order=60)
nav.add(N_("组织报到"), "registrations.unit_home", (Role.UNIT_ADMIN,), order=60)  # the unit's own reports


def _fill_choices(form: TransferForm) -> None:
    form.community_id.choices = place_choices(("community",), blank=_("请选择社区"))
    form.grid_id.choices = place_choices(("grid",), blank=_("不确定"))



@bp.get("/me")
@roles_required(Role.MEMBER)
@cached_read
def member_home():
    """The member's current registration and his whole registration history."""
    return render_template(
        "registrations/member_home.html",
        active=services.open_registration(current_user.id),
        history=list(reversed(services.history(current_user.id))),
    )


@bp.route("/register", methods=["GET", "POST"])
@roles_required(Role.MEMBER)
def register_page():
    current = services.open_registration(current_user.id)
    if current is not None and current.status == RegistrationStatus.APPROVED:
        return redirect(url_for("registrations.transfer_page"))
    form = RegistrationForm()
    _fill_choices(form)
    if current is not None:  # pending: one open registration at a time
        code = 409 if request.method == "POST" else 200
        return render_template("registrations/register.html", form=form, current=current), code

    def register():
        services.register(current_user, community_id=form.community_id.data,
                          grid_id=form.grid_id.data or None, address=form.address.data,
                          skills=split_skills(form.skills.data), availability=form.availability.data or "")
        flash(_("报到已提交，等待社区审核"), "success")
        return redirect(url_for("registrations.member_home"))

    return submit_form(form, register, lambda: render_template(
        "registrations/register.html", form=form, current=current))


@bp.route("/me/transfer", methods=["GET", "POST"])
@roles_required(Role.MEMBER)
def transfer_page():
    """Moving house: the open registration ends as transferred, a new pending one starts."""
    current = services.open_registration(current_user.id)
    if current is None:
        return redirect(url_for("registrations.register_page"))
    form = TransferForm()
    _fill_choices(form)

    def transfer():
        services.transfer(current_user, current.id, community_id=form.community_id.data,
                          grid_id=form.grid_id.data or None, address=form.address.data)
        flash(_("已提交转移报到，等待新社区审核"), "success")
        return redirect(url_for("registrations.member_home"))

    return submit_form(form, transfer, lambda: render_template(
        "registrations/transfer.html", form=form, current=current))


@bp.get("/staff/registrations")
@roles_required(*STAFF_LIKE)
def queue():
    return _queue_page(RejectForm(formdata=None))


def _queue_page(reject_form: RejectForm, failed_id: int | None = None):
    """Registrations in the staff's scope by status (pending first), optionally one community;
    `failed_id`: the registration whose refused reject form (`reject_form`) is shown again."""
    status = request.args.get("status", RegistrationStatus.PENDING)
    if status not in set(RegistrationStatus):
        status = RegistrationStatus.PENDING
    community_id = query_id("community_id")
    page = query_page()
    stmt = services.list_registrations(current_user, status=status, community_id=community_id)
    return render_template("registrations/queue.html", result=paginate(db.session, stmt, page, PAGE_SIZE),
                           status=status, page=page, page_size=PAGE_SIZE, community_id=community_id or 0,
                           communities=communities_managed_by(current_user), reject_form=reject_form,
                           failed_id=failed_id)


def _back_to_queue():
    target = safe_path(request.form.get("next"))
    if target and target.startswith("/staff/registrations"):
        return redirect(target)
    return redirect(url_for("registrations.queue"))


@bp.post("/staff/registrations/<int:reg_id>/approve")
@roles_required(*STAFF_LIKE)
def approve(reg_id):
    reg = services.approve(current_user, reg_id)
    flash(_("已通过 %(name)s 的报到", name=reg.member.name), "success")
    return _back_to_queue()


@bp.post("/staff/registrations/<int:reg_id>/reject")
@roles_required(*STAFF_LIKE)
def reject(reg_id):
    form = RejectForm()

    def reject_it():
        reg = services.reject(current_user, reg_id, form.reason.data)
        flash(_("已驳回 %(name)s 的报到", name=reg.member.name), "success")
        return _back_to_queue()

    return submit_form(form, reject_it, lambda: _queue_page(form, failed_id=reg_id))


# ---- 组织报到 ------------------------------------------------------------------------------

def _unit_registration_form() -> UnitRegistrationForm:
    form = UnitRegistrationForm()
    form.unit_id.choices = [(u.id, u.name) for u in list_units()]
    form.community_id.choices = [(c.id, c.name) for c in communities_managed_by(current_user)]
    return form


def _unit_registrations_page(form: UnitRegistrationForm):
    page = query_page()
    communities = communities_managed_by(current_user)
    stmt = units.community_unit_registrations([c.id for c in communities])
    return render_template("registrations/unit_registrations.html", form=form, page=page,
                           page_size=UNIT_PAGE_SIZE, result=paginate(db.session, stmt, page, UNIT_PAGE_SIZE))


@bp.get("/staff/unit-registrations")
@roles_required(*STAFF_LIKE)
def unit_registrations():
    """The units that reported to the communities in the caller's scope, with their resources."""
    return _unit_registrations_page(_unit_registration_form())


@bp.post("/staff/unit-registrations")
@roles_required(*STAFF_LIKE)
def register_unit():
    form = _unit_registration_form()

    def register():
        units.register_unit(unit=get_unit(form.unit_id.data), community_id=form.community_id.data,
                            resources=form.items(), actor=current_user)
        flash(_("已登记组织报到"), "success")
        return redirect(url_for("registrations.unit_registrations"))

    return submit_form(form, register, lambda: _unit_registrations_page(form))


@bp.get("/unit")
@roles_required(Role.UNIT_ADMIN)
def unit_home():
    unit = current_user.unit
    page = query_page()
    result = paginate(db.session, units.unit_registrations(current_user, unit), page, UNIT_PAGE_SIZE)
    return render_template("registrations/unit_home.html", unit=unit, result=result, page=page,
                           page_size=UNIT_PAGE_SIZE, resources=unit_resources(unit.id) if unit else [])
