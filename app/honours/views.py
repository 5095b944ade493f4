"""Pages of 表彰: the list (publicity, granted, and for staff every nomination), nominating,
the street admin's decisions, and objections during the publicity period."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.permissions import roles_required
from app.clock import utcnow
from app.extensions import db
from app.forms import form_page
from app.honours import services
from app.honours.forms import DecisionForm, NominationForm, ObjectionForm
from app.honours.models import KINDS, STATUS_LABELS
from app.i18n import N_
from app.pages import submit_form
from app.params import query_page
from app.places.services import communities_managed_by
from app.registrations.services import members_by_community

bp = Blueprint("honours", __name__)
bp.record_once(lambda state: state.app.jinja_env.globals.update(
    granted_honours=services.granted_honours, honours_by_member=services.granted_by_member,
    HONOUR_KINDS=KINDS))
nav.add(N_("表彰公示"), "honours.index", (), order=46)
PAGE_SIZE = 20


@bp.route("/honours")
@roles_required()
def index():
    return _index_page()


def _index_page(decision: DecisionForm | None = None, objection: ObjectionForm | None = None,
                failed_id: int | None = None):
    """The honours; `failed_id`: the honour whose refused decision or objection (the form given)
    is shown again with its error and what was typed."""
    page = query_page()
    items = paginate(db.session, services.honours_query(current_user), page, PAGE_SIZE)
    return render_template("honours/index.html", items=items, page=page, page_size=PAGE_SIZE, kinds=KINDS,
                           statuses=STATUS_LABELS, now=utcnow(), failed_id=failed_id,
                           decision=decision or DecisionForm(formdata=None),
                           objection=objection or ObjectionForm(formdata=None),
                           may_nominate=current_user.role in services.NOMINATORS,
                           may_decide=current_user.role in services.APPROVERS,
                           may_object=current_user.role in services.OBJECTORS)


@bp.route("/honours/new", methods=["GET", "POST"])
@roles_required(*services.NOMINATORS)
def new():
    form = NominationForm()
    form.kind.choices = [(key, _(label)) for key, label in KINDS.items()]
    communities = communities_managed_by(current_user)[:200]
    form.community_id.choices = [(0, _("请选择"))] + [(c.id, c.name) for c in communities]
    members = members_by_community([c.id for c in communities])
    form.member_id.choices = [(0, _("请选择"))] + [
        (member_id, name) for c in communities for member_id, name in members.get(c.id, [])]
    return form_page(form, "honours/form.html", lambda: services.nominate(
        current_user, kind=form.kind.data, reasons=form.reasons.data, member_id=form.member_id.data or None,
        team_name=form.team_name.data or "", community_id=form.community_id.data or None),
        _("已提名，等待街道审批"), lambda _honour: url_for("honours.index"))


@bp.post("/honours/<int:honour_id>/<any(approve, reject, grant):action>")
@roles_required(*services.APPROVERS)
def decide(honour_id, action):
    form = DecisionForm()

    def decide_it():
        services.decide(current_user, honour_id, action, form.note.data or "")
        done = {"approve": _("已批准，开始公示"), "reject": _("已驳回"), "grant": _("已授予表彰")}
        flash(done[action], "success")
        return redirect(url_for("honours.index"))

    return submit_form(form, decide_it, lambda: _index_page(decision=form, failed_id=honour_id))


@bp.post("/honours/<int:honour_id>/object")
@roles_required(*services.OBJECTORS)
def object_to(honour_id):
    form = ObjectionForm()

    def object_it():
        services.object_to(current_user, honour_id, form.reason.data)
        flash(_("异议已提交，街道将核实处理"), "success")
        return redirect(url_for("honours.index"))

    return submit_form(form, object_it, lambda: _index_page(objection=form, failed_id=honour_id))
