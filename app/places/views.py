"""The plain admin page (places, units, accounts) and simple homes for other roles."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app import nav
from app.audit.services import recent
from app.auth import services as auth_services
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.extensions import db
from app.places import services
from app.places.forms import PLACE_KIND_LABELS, AccountForm, PlaceForm, UnitForm

bp = Blueprint("places", __name__)
nav.add("地区与单位", "places.admin_home", (Role.ADMIN,), order=5)
nav.add("操作记录", "places.audit_log", (Role.ADMIN, Role.STREET_ADMIN), order=90)


def _forms():
    places = services.list_places()
    units = services.list_units()
    place_form, unit_form, account_form = PlaceForm(prefix="p"), UnitForm(prefix="u"), AccountForm(prefix="a")
    place_choices = [(0, "—")] + [(p.id, f"{PLACE_KIND_LABELS[p.kind]} · {p.name}") for p in places]
    place_form.parent_id.choices = place_choices
    account_form.place_id.choices = place_choices
    account_form.unit_id.choices = [(0, "—")] + [(u.id, u.name) for u in units]
    return places, units, place_form, unit_form, account_form


@bp.get("/admin")
@roles_required(Role.ADMIN)
def admin_home():
    places, units, place_form, unit_form, account_form = _forms()
    return render_template("places/admin.html", places=places, units=units, place_form=place_form,
                           unit_form=unit_form, account_form=account_form, labels=PLACE_KIND_LABELS)


@bp.post("/admin/places")
@roles_required(Role.ADMIN)
def create_place():
    form = _forms()[2]
    if form.validate_on_submit():
        services.create_place(kind=form.kind.data, name=form.name.data,
                              parent_id=form.parent_id.data or None, actor=current_user)
        db.session.commit()
        flash("已添加", "success")
    else:
        flash("请检查输入", "error")
    return redirect(url_for("places.admin_home"))


@bp.post("/admin/units")
@roles_required(Role.ADMIN)
def create_unit():
    form = _forms()[3]
    if form.validate_on_submit():
        services.create_unit(name=form.name.data, kind=form.kind.data, actor=current_user)
        db.session.commit()
        flash("已添加单位", "success")
    else:
        flash("请检查输入", "error")
    return redirect(url_for("places.admin_home"))


@bp.post("/admin/accounts")
@roles_required(Role.ADMIN)
def create_account():
    form = _forms()[4]
    if form.validate_on_submit():
        auth_services.create_user(
            username=form.username.data, password=form.password.data, name=form.name.data,
            phone=form.phone.data or None, role=form.role.data,
            place_id=form.place_id.data or None, unit_id=form.unit_id.data or None,
            created_by=current_user,
        )
        db.session.commit()
        flash("已创建账号", "success")
    else:
        flash("请检查输入：" + "; ".join(f"{k}: {v[0]}" for k, v in form.errors.items()), "error")
    return redirect(url_for("places.admin_home"))


@bp.get("/admin/audit")
@roles_required(Role.ADMIN, Role.STREET_ADMIN)
def audit_log():
    return render_template("places/audit.html", entries=recent(200))


@bp.get("/unit")
@roles_required(Role.UNIT_ADMIN)
def unit_home():
    return render_template("places/unit_home.html", unit=current_user.unit)


@bp.get("/resident")
@roles_required(Role.RESIDENT)
def resident_home():
    return render_template("places/resident_home.html")
