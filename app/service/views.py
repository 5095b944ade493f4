"""Pages: members log service and suggestions; staff verify them and keep needy households."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import STAFF_LIKE
from app.clock import LOCAL_TZ
from app.errors import DomainError, attach_to_form
from app.extensions import db
from app.i18n import N_
from app.params import query_page
from app.places.services import communities_managed_by
from app.points.checklist import ITEM_TITLES
from app.registrations.services import active_registration, members_by_community
from app.request_body import allow_larger_bodies
from app.service import services
from app.service.forms import DecisionForm, HouseholdForm, PairingForm, RecordForm, SuggestionForm
from app.service.models import CATEGORIES
from app.service.signals import uploads_posted

bp = Blueprint("service", __name__)
allow_larger_bodies(bp, "PHOTO_REQUEST_MAX_BYTES")  # the service form takes photos
bp.record_once(lambda state: state.app.jinja_env.globals.update(SERVICE_CATEGORIES=CATEGORIES))
nav.add(N_("登记服务"), "service.new_record", (Role.MEMBER,), order=14)
nav.add(N_("服务审核"), "service.queue", STAFF_LIKE, order=15)
nav.add(N_("困难群众"), "service.households", STAFF_LIKE, order=30)



def _home_community_id() -> int | None:
    reg = active_registration(current_user.id)
    return reg.community_id if reg is not None else None


@bp.route("/service/records/new", methods=["GET", "POST"])
@roles_required(Role.MEMBER)
def new_record():
    community_id = _home_community_id()
    if community_id is None:
        flash(_("请先向居住地社区报到并通过审核"), "error")
        return redirect(url_for("registrations.member_home"))
    form = RecordForm()
    paired = db.session.scalars(services.list_households(current_user)).all()
    form.household_id.choices = [(0, _("无"))] + [
        (h.id, _("%(name)s（%(place)s）", name=h.name, place=h.address)) for h in paired]
    if form.validate_on_submit():
        try:
            _log_service(form, community_id)
        except DomainError as err:
            db.session.rollback()
            if "file" in err.errors:  # a refused photo (photos name the upload `file`)
                form.photos.errors = list(err.errors["file"])
            else:
                attach_to_form(form, err)
            return render_template("service/record_form.html", form=form), err.status_code
        flash(_("服务记录已提交，等待社区审核"), "success")
        return redirect(url_for("service.mine"))
    return render_template("service/record_form.html", form=form)


def _log_service(form: RecordForm, community_id: int) -> None:
    """The record and its photos (stored by photos, app/service/signals.py): both or neither."""
    rec = services.create_record(
        current_user, community_id=community_id, category=form.category.data,
        checklist_item=form.checklist_item.data or None, household_id=form.household_id.data or None,
        started_at=form.started_at.data.replace(tzinfo=LOCAL_TZ), hours=float(form.hours.data),
        description=form.description.data)
    uploads_posted.send("service", member=current_user, owner_type="service_record",
                        owner_id=rec.id, uploads=form.photos.data or [])


@bp.route("/service/suggestions/new", methods=["GET", "POST"])
@roles_required(Role.MEMBER)
def new_suggestion():
    community_id = _home_community_id()
    if community_id is None:
        flash(_("请先向居住地社区报到并通过审核"), "error")
        return redirect(url_for("registrations.member_home"))
    form = SuggestionForm()
    if form.validate_on_submit():
        services.create_suggestion(current_user, community_id=community_id, title=form.title.data,
                                   body=form.body.data)
        flash(_("建议已提交"), "success")
        return redirect(url_for("service.mine"))
    return render_template("service/suggestion_form.html", form=form)


@bp.get("/me/service")
@roles_required(Role.MEMBER)
def mine():
    page, spage = query_page(), query_page("spage")
    return render_template(
        "service/mine.html", page=page, spage=spage,
        records=paginate(db.session, services.list_records(current_user), page, 10),
        suggestions=paginate(db.session, services.list_suggestions(current_user), spage, 10))


@bp.get("/staff/verify")
@roles_required(*STAFF_LIKE)
def queue():
    page, spage = query_page(), query_page("spage")
    return render_template(
        "service/queue.html", page=page, spage=spage, form=DecisionForm(), checklist_titles=ITEM_TITLES,
        records=paginate(db.session, services.list_records(current_user, status="pending"), page, 20),
        suggestions=paginate(db.session, services.list_suggestions(current_user, status="pending"),
                             spage, 20))


@bp.post("/staff/verify/records/<int:record_id>")
@roles_required(*STAFF_LIKE)
def verify(record_id):
    form = DecisionForm()
    approved = request.form.get("decision") == "approve"
    if form.validate_on_submit():
        rec = services.verify_record(current_user, record_id, approved, form.reason.data)
        flash(_("已通过 %(name)s 的服务记录", name=rec.member.name) if approved
              else _("已驳回 %(name)s 的服务记录", name=rec.member.name), "success")
    return redirect(url_for("service.queue"))


@bp.post("/staff/verify/suggestions/<int:suggestion_id>")
@roles_required(*STAFF_LIKE)
def decide(suggestion_id):
    form = DecisionForm()
    adopt = request.form.get("decision") == "adopt"
    if form.validate_on_submit():
        sug = services.decide_suggestion(current_user, suggestion_id, adopt, form.reason.data)
        flash(_("已采纳建议“%(title)s”", title=sug.title) if adopt
              else _("已不采纳建议“%(title)s”", title=sug.title), "success")
    return redirect(url_for("service.queue"))


def _communities():
    return communities_managed_by(current_user)


@bp.route("/staff/households", methods=["GET", "POST"])
@roles_required(*STAFF_LIKE)
def households():
    form = HouseholdForm()
    form.community_id.choices = [(c.id, c.name) for c in _communities()]
    if form.validate_on_submit():
        services.create_household(current_user, community_id=form.community_id.data, name=form.name.data,
                                  address=form.address.data, needs=form.needs.data or "")
        flash(_("已添加困难群众"), "success")
        return redirect(url_for("service.households"))
    page = query_page()
    result = paginate(db.session, services.list_households(current_user), page, 20)
    pairings = services.pairings_of([h.id for h in result["items"]])
    pickers = members_by_community(sorted({h.community_id for h in result["items"]}))
    return render_template("service/households.html", form=form, result=result, page=page,
                           pairings=pairings, pickers=pickers, pair_form=PairingForm())


@bp.post("/staff/pairings")
@roles_required(*STAFF_LIKE)
def pair():
    form = PairingForm()
    if form.validate_on_submit():
        p = services.pair(current_user, form.household_id.data, form.member_id.data)
        flash(_("%(member)s 已与 %(household)s 结对", member=p.member.name, household=p.household.name),
              "success")
    else:
        flash(_("请从列表中选择结对党员"), "error")
    return redirect(url_for("service.households"))
