"""The admin pages (places, units, accounts) and the plain home of residents."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth import services as auth_services
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.errors import DomainError, refuse_form
from app.extensions import db
from app.i18n import NP_
from app.params import query_page
from app.places import services
from app.places.forms import (
    ACCOUNT_ROLES,
    PLACE_KIND_LABELS,
    UNIT_KIND_LABELS,
    AccountForm,
    PlaceForm,
    UnitForm,
)
from app.places.models import PlaceKind
from app.places.signals import unit_facts

bp = Blueprint("places", __name__)
PAGE_SIZE = 30
nav.add(NP_("menu", "地区"), "places.admin_home", (Role.ADMIN,), order=5)
nav.add(NP_("menu", "单位"), "places.admin_units", (Role.ADMIN,), order=6)
nav.add(NP_("menu", "账号"), "places.admin_accounts", (Role.ADMIN,), order=7)



def _created(form, create, message: str, template, back: str):
    """Runs `create()` for a valid form, commits and redirects to `back` (an endpoint); else
    re-renders the page with the errors under the fields."""
    if form.validate_on_submit():
        try:
            create()
        except DomainError as err:
            status = refuse_form(form, err)
            return template(form), status
        flash(message, "success")
        return redirect(url_for(back))
    return template(form), 422


# ---- places ------------------------------------------------------------------------------

def _place_form() -> PlaceForm:
    form = PlaceForm(prefix="p")
    form.parent_id.choices = services.place_choices(
        (PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY), blank="—")
    return form


def _places_page(form: PlaceForm):
    page = query_page()
    return render_template("places/admin_places.html", form=form, page=page, page_size=PAGE_SIZE,
                           result=paginate(db.session, services.places_query(), page, PAGE_SIZE),
                           labels=PLACE_KIND_LABELS)


@bp.get("/admin")
@roles_required(Role.ADMIN)
def admin_home():
    return _places_page(_place_form())


@bp.post("/admin/places")
@roles_required(Role.ADMIN)
def create_place():
    form = _place_form()
    return _created(form, lambda: services.create_place(
        kind=form.kind.data, name=form.name.data, parent_id=form.parent_id.data or None, actor=current_user),
        _("已添加"), _places_page, "places.admin_home")


# ---- units -------------------------------------------------------------------------------

def _units_page(form: UnitForm):
    page = query_page()
    result = paginate(db.session, services.units_query(request.args.get("q")), page, PAGE_SIZE)
    reported = unit_facts([u.id for u in result["items"]])
    return render_template("places/admin_units.html", form=form, page=page, page_size=PAGE_SIZE,
                           result=result, reported=reported, labels=UNIT_KIND_LABELS,
                           q=request.args.get("q", ""))


@bp.get("/admin/units")
@roles_required(Role.ADMIN)
def admin_units():
    return _units_page(UnitForm(prefix="u"))


@bp.post("/admin/units")
@roles_required(Role.ADMIN)
def create_unit():
    form = UnitForm(prefix="u")
    return _created(form, lambda: services.create_unit(name=form.name.data, kind=form.kind.data,
                                                       actor=current_user),
                    _("已添加单位"), _units_page, "places.admin_units")


# ---- accounts ----------------------------------------------------------------------------

def _account_form() -> AccountForm:
    form = AccountForm(prefix="a")
    form.place_id.choices = services.place_choices(blank="—")
    form.unit_id.choices = [(0, "—")] + [(u.id, u.name) for u in services.list_units()]
    return form


def _accounts_page(form: AccountForm):
    page = query_page()
    role = request.args.get("role") if request.args.get("role") in set(Role) else None
    stmt = auth_services.accounts_query(role=role, name_part=request.args.get("q"))
    return render_template("places/admin_accounts.html", form=form, page=page, page_size=PAGE_SIZE,
                           result=paginate(db.session, stmt, page, PAGE_SIZE), role=role or "",
                           q=request.args.get("q", ""), roles=[("member", _("在职党员"))] + ACCOUNT_ROLES)


@bp.get("/admin/accounts")
@roles_required(Role.ADMIN)
def admin_accounts():
    return _accounts_page(_account_form())


@bp.post("/admin/accounts")
@roles_required(Role.ADMIN)
def create_account():
    form = _account_form()
    return _created(form, lambda: auth_services.create_user(
        username=form.username.data, password=form.password.data, name=form.name.data,
        phone=form.phone.data or None, role=form.role.data, place_id=form.place_id.data or None,
        unit_id=form.unit_id.data or None, created_by=current_user), _("已创建账号"), _accounts_page,
        "places.admin_accounts")


# ---- homes -----------------------------------------------------------------------------

@bp.get("/resident")
@roles_required(Role.RESIDENT)
def resident_home():
    return render_template("places/resident_home.html")
