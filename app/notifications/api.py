"""The signed-in user's notification inbox."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import paginate
from app.auth.permissions import login_required
from app.extensions import db
from app.notifications import services
from app.notifications.schemas import NotificationOut, NotificationPage, NotificationQuery

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1/me/notifications",
                description="Notifications (in-app inbox)")


@blp.route("", methods=["GET"])
@blp.arguments(NotificationQuery, location="query")
@blp.response(200, NotificationPage)
@blp.alt_response(401, description="not signed in")
@login_required
def list_notifications(args):
    """The caller's notifications, newest first, with the unread count."""
    page = paginate(db.session, services.inbox(current_user.id, unread_only=args["unread"]),
                    args["page"], args["page_size"])
    return {**page, "unread": services.unread_count(current_user.id)}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationOut)
@blp.alt_response(401, description="not signed in")
@blp.alt_response(404, description="no such notification of the caller")
@login_required
def read_notification(notification_id):
    """Marks one of the caller's notifications read (again: no change); others' ids: 404."""
    note = services.mark_read(current_user.id, notification_id)
    return note
