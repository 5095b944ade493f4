"""资源清单 pages: the unit admin keeps his unit's list; staff search the resources offered to
the communities of their scope when planning a project or dispatching a need."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import STAFF_LIKE
from app.extensions import db
from app.i18n import N_
from app.pages import submit_form
from app.params import query_id, query_page
from app.places.services import communities_managed_by
from app.registrations import resources
from app.registrations.forms import ResourceItemForm, kind_choices
from app.registrations.models import ResourceKind
from app.registrations.views import bp

PAGE_SIZE = 30
nav.add(N_("资源查找"), "registrations.search_resources", STAFF_LIKE, order=61)
bp.record_once(lambda state: state.app.jinja_env.globals.update(RESOURCE_KINDS=resources.KIND_LABELS))


def _list_page(form: ResourceItemForm, status: int = 200):
    unit = current_user.unit
    return render_template(
        "registrations/resources.html",
        unit=unit,
        form=form,
        items=db.session.scalars(resources.list_for_unit(current_user, unit)).all(),
    ), status


def _saved(form: ResourceItemForm, save, message: str, failed):
    def saved():
        save(form.item())
        flash(message, "success")
        return redirect(url_for("registrations.unit_resources"))

    return submit_form(form, saved, lambda: failed(form, 200)[0])


@bp.route("/unit/resources", methods=["GET", "POST"])
@roles_required(Role.UNIT_ADMIN)
def unit_resources():
    """The unit's resource list, and a form adding an item to it."""
    form = ResourceItemForm()
    if request.method == "GET":
        return _list_page(form)
    return _saved(
        form,
        lambda item: resources.create_resource(current_user, current_user.unit, item),
        _("已添加资源"),
        _list_page,
    )


@bp.route("/unit/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@roles_required(Role.UNIT_ADMIN)
def edit_resource(resource_id):
    item = resources.get_resource(current_user, resource_id)
    form = ResourceItemForm(obj=item)

    def page(form, status=200):
        return render_template("registrations/resource_edit.html", form=form, item=item), status

    if request.method == "GET":
        return page(form)
    return _saved(
        form, lambda values: resources.update_resource(current_user, item.id, values), _("已保存资源"), page
    )


@bp.post("/unit/resources/<int:resource_id>/delete")
@roles_required(Role.UNIT_ADMIN)
def delete_resource(resource_id):
    resources.withdraw_resource(current_user, resource_id)
    flash(_("已从资源清单中撤下"), "success")
    return redirect(url_for("registrations.unit_resources"))


@bp.get("/staff/resources")
@roles_required(*STAFF_LIKE)
def search_resources():
    """Staff find resources (by kind, keyword, community) offered to their communities."""
    kind = request.args.get("kind") or None
    if kind not in set(ResourceKind):
        kind = None
    keyword = (request.args.get("q") or "").strip()[:50]
    community_id = query_id("community_id")
    page = query_page()
    stmt = resources.search_resources(
        current_user, kind=kind, keyword=keyword or None, community_id=community_id
    )
    return render_template(
        "registrations/resource_search.html",
        page=page,
        page_size=PAGE_SIZE,
        result=paginate(db.session, stmt, page, PAGE_SIZE),
        kind=kind or "",
        keyword=keyword,
        community_id=community_id or 0,
        kinds=kind_choices(blank=False),
        communities=communities_managed_by(current_user),
    )
