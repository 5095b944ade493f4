"""Activity pages: list, post, detail with sign-up, attendance with a QR code, member check-in."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.activities import services
from app.activities.forms import ActivityForm, AttendanceForm, CheckinForm
from app.activities.models import CATEGORIES
from app.activities.qr import qr_svg
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import MEMBER_OR_STAFF, STAFF_LIKE
from app.clock import LOCAL_TZ, utcnow
from app.extensions import db
from app.i18n import N_
from app.input_checks import clean_text
from app.params import query_page
from app.places.services import communities_managed_by
from app.registrations.services import members_by_community

bp = Blueprint("activities", __name__)
bp.record_once(lambda state: state.app.jinja_env.globals.update(ACTIVITY_CATEGORIES=CATEGORIES))
nav.add(N_("社区活动"), "activities.index", MEMBER_OR_STAFF, order=20)


@bp.get("/activities")
@roles_required(*MEMBER_OR_STAFF)
def index():
    page = query_page()
    upcoming = request.args.get("all") != "1"
    stmt = services.list_activities(current_user, upcoming=upcoming)
    result = paginate(db.session, stmt, page, 20)
    mine = {}
    if current_user.role == Role.MEMBER:
        mine = services.my_signups(current_user.id, [a.id for a in result["items"]])
    return render_template("activities/index.html", result=result, page=page, mine=mine,
                           upcoming=upcoming, now=utcnow())


def _communities():
    return communities_managed_by(current_user)


@bp.route("/activities/new", methods=["GET", "POST"])
@roles_required(*STAFF_LIKE)
def new():
    form = ActivityForm()
    form.community_id.choices = [(c.id, c.name) for c in _communities()]
    if form.validate_on_submit():
        activity = services.create_activity(
            current_user, community_id=form.community_id.data, title=form.title.data,
            category=form.category.data, checklist_item=form.checklist_item.data or None,
            starts_at=form.starts_at.data.replace(tzinfo=LOCAL_TZ),
            ends_at=form.ends_at.data.replace(tzinfo=LOCAL_TZ), capacity=form.capacity.data,
            points=form.points.data, location=form.location.data or "",
            description=form.description.data or "")
        flash(_("活动已发布"), "success")
        return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("activities/new.html", form=form)


@bp.get("/activities/<int:activity_id>")
@roles_required(*MEMBER_OR_STAFF)
def detail(activity_id):
    activity = services.visible_activity(current_user, activity_id)
    now = utcnow()
    context = {"activity": activity, "now": now}
    if current_user.role == Role.MEMBER:
        context["signup"] = services.signup_of(activity.id, current_user.id)
    else:
        rows = services.signups(activity)
        context["rows"] = [(s, services.is_no_show(s, activity, now)) for s in rows]
        context["attendance_form"] = AttendanceForm()
        context["members"] = members_by_community([activity.community_id])[activity.community_id]
    return render_template("activities/detail.html", **context)


@bp.post("/activities/<int:activity_id>/signup")
@roles_required(Role.MEMBER)
def sign_up(activity_id):
    services.sign_up(current_user, activity_id)
    flash(_("报名成功"), "success")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/cancel")
@roles_required(Role.MEMBER)
def cancel(activity_id):
    services.cancel_signup(current_user, activity_id)
    flash(_("已取消报名"), "success")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/call-off")
@roles_required(*STAFF_LIKE)
def call_off(activity_id):
    reason = (clean_text(request.form.get("reason")) or "")[:300]
    services.cancel_activity(current_user, activity_id, reason)
    flash(_("活动已取消，已通知报名党员"), "success")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/attendance")
@roles_required(*STAFF_LIKE)
def attend(activity_id):
    form = AttendanceForm()
    if not form.validate_on_submit():
        flash(_("请从列表中选择党员"), "error")
        return redirect(url_for("activities.detail", activity_id=activity_id))
    signup = services.record_attendance(current_user, activity_id, form.member_id.data)
    flash(_("已记录 %(name)s 参加", name=signup.member.name), "success")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.get("/activities/<int:activity_id>/qr")
@roles_required(*STAFF_LIKE)
def qr(activity_id):
    """The staff's check-in screen: a QR of the member check-in URL, refreshed before it expires."""
    result = services.checkin_code(current_user, activity_id)
    activity = services.get_activity(activity_id)
    url = url_for("activities.checkin_page", activity_id=activity_id, code=result["code"],
                  _external=True)
    refresh = max(int(services.checkin_ttl().total_seconds()) - 60, 30)
    return render_template("activities/qr.html", activity=activity, url=url, svg=qr_svg(url),
                           expires_at=result["expires_at"], refresh=refresh)


@bp.route("/activities/<int:activity_id>/checkin", methods=["GET", "POST"])
@roles_required(Role.MEMBER)
def checkin_page(activity_id):
    """What the member's phone opens after scanning: confirm, then recorded present."""
    activity = services.visible_activity(current_user, activity_id)
    form = CheckinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        services.check_in(current_user, activity_id, form.code.data)
        flash(_("签到成功，积分已计入"), "success")
        return redirect(url_for("activities.detail", activity_id=activity_id))
    return render_template("activities/checkin.html", activity=activity, form=form)
