"""Pages: the signed-in user's inbox."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.permissions import login_required
from app.extensions import db
from app.i18n import N_
from app.notifications import services
from app.params import query_page
from app.redirects import redirect_back

bp = Blueprint("notifications", __name__)
PAGE_SIZE = 20
nav.add(N_("消息"), "notifications.inbox", (), order=80)



@bp.get("/notifications")
@login_required
def inbox():
    unread_only = request.args.get("unread") == "1"
    result = paginate(db.session, services.inbox(current_user.id, unread_only=unread_only),
                      query_page(), PAGE_SIZE)
    return render_template("notifications/inbox.html", result=result, page=query_page(),
                           page_size=PAGE_SIZE, unread_only=unread_only)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    services.mark_read(current_user.id, notification_id)
    return redirect_back(url_for("notifications.inbox"))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user.id)
    flash(_("已将 %(n)s 条消息标为已读", n=count), "success")
    return redirect(url_for("notifications.inbox"))
