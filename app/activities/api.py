"""Activities API: post, list, sign up, attendance and QR check-in."""
from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from app.activities import services
from app.activities.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPage,
    ActivityQuery,
    AttendanceIn,
    CancelIn,
    CheckinCodeOut,
    CheckinIn,
    SignupList,
    SignupOut,
)
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import MEMBER_OR_STAFF, STAFF_LIKE
from app.extensions import db

blp = Blueprint("activities_api", __name__, url_prefix="/api/v1/activities",
                description="Community activities, sign-ups, attendance, QR check-in")


@blp.route("", methods=["POST"])
@blp.arguments(ActivityIn)
@blp.response(201, ActivityOut)
@roles_required(*STAFF_LIKE)
def create_activity(data):
    """Staff post an activity in a community they manage."""
    activity = services.create_activity(current_user, **data)
    return activity


@blp.route("", methods=["GET"])
@blp.arguments(ActivityQuery, location="query")
@blp.response(200, ActivityPage)
@roles_required(*MEMBER_OR_STAFF)
def list_activities(args):
    """Members see their community's activities; staff those in their scope."""
    stmt = services.list_activities(current_user, community_id=args.get("community_id"),
                                    upcoming=args["upcoming"])
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/<int:activity_id>", methods=["GET"])
@blp.response(200, ActivityOut)
@roles_required(*MEMBER_OR_STAFF)
def get_activity(activity_id):
    return services.visible_activity(current_user, activity_id)


@blp.route("/<int:activity_id>/cancel", methods=["POST"])
@blp.arguments(CancelIn)
@blp.response(200, ActivityOut)
@roles_required(*STAFF_LIKE)
def cancel_activity(data, activity_id):
    """Staff call the activity off (with a reason); those signed up are notified."""
    activity = services.cancel_activity(current_user, activity_id, data["reason"])
    return activity


@blp.route("/<int:activity_id>/signups", methods=["POST"])
@blp.response(201, SignupOut)
@roles_required(Role.MEMBER)
def sign_up(activity_id):
    """A member registered in the activity's community signs up; full: 409."""
    signup = services.sign_up(current_user, activity_id)
    return signup


@blp.route("/<int:activity_id>/signups", methods=["DELETE"])
@blp.response(200, SignupOut)
@roles_required(Role.MEMBER)
def cancel_signup(activity_id):
    """The member cancels his own sign-up before the activity starts."""
    signup = services.cancel_signup(current_user, activity_id)
    return signup


@blp.route("/<int:activity_id>/signups", methods=["GET"])
@blp.response(200, SignupList)
@roles_required(*STAFF_LIKE)
def list_signups(activity_id):
    """Staff: everyone signed up, with attendance and no-shows (signed up, activity over)."""
    activity = services.managed_activity(current_user, activity_id)
    rows = services.signups(activity)
    for signup in rows:
        signup.no_show = services.is_no_show(signup, activity)
    return {"items": rows, "total": len(rows), "no_shows": sum(s.no_show for s in rows)}


@blp.route("/<int:activity_id>/attendance", methods=["POST"])
@blp.arguments(AttendanceIn)
@blp.response(200, SignupOut)
@roles_required(*STAFF_LIKE)
def record_attendance(data, activity_id):
    """Staff record a member present: points once, checklist item ticked."""
    signup = services.record_attendance(current_user, activity_id, data["member_id"])
    return signup


@blp.route("/<int:activity_id>/checkin-code", methods=["GET"])
@blp.response(200, CheckinCodeOut)
@roles_required(*STAFF_LIKE)
def checkin_code(activity_id):
    """A signed, expiring code (and the member check-in URL the staff page shows as a QR)."""
    result = services.checkin_code(current_user, activity_id)
    result["url"] = url_for("activities.checkin_page", activity_id=activity_id,
                            code=result["code"], _external=True)
    return result


@blp.route("/<int:activity_id>/checkin", methods=["POST"])
@blp.arguments(CheckinIn)
@blp.response(200, SignupOut)
@roles_required(Role.MEMBER)
def check_in(data, activity_id):
    """The member posts the scanned code and is recorded present."""
    signup = services.check_in(current_user, activity_id, data["code"])
    return signup
