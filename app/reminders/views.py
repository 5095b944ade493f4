"""Pages: the inbox (everyone) and the idle members of a community (staff)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import login_required, roles_required
from app.extensions import db
from app.i18n import N_
from app.params import query_id, query_page
from app.reminders import idle, services
from app.reminders.scheduling import install_embedded

bp = Blueprint("reminders", __name__)
bp.record_once(lambda state: install_embedded(state.app))
STAFF = (Role.STAFF, Role.STREET_ADMIN, Role.ADMIN)
PAGE_SIZE = 20
nav.add(N_("消息"), "reminders.inbox", (), order=80)
nav.add(N_("未服务党员"), "reminders.idle_members", STAFF, order=60)



@bp.get("/notifications")
@login_required
def inbox():
    unread_only = request.args.get("unread") == "1"
    result = paginate(db.session, services.inbox(current_user.id, unread_only=unread_only),
                      query_page(), PAGE_SIZE)
    return render_template("reminders/inbox.html", result=result, page=query_page(),
                           page_size=PAGE_SIZE, unread_only=unread_only)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    services.mark_read(current_user.id, notification_id)
    db.session.commit()
    return redirect(request.referrer or url_for("reminders.inbox"))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user.id)
    db.session.commit()
    flash(_("已将 %(n)s 条消息标为已读", n=count), "success")
    return redirect(url_for("reminders.inbox"))


@bp.get("/staff/idle-members")
@roles_required(*STAFF)
def idle_members():
    community_id = query_id("community_id")
    stmt = idle.idle_members(current_user, community_id=community_id)
    result = paginate(db.session, stmt, query_page(), PAGE_SIZE)
    history = idle.reminder_history([reg.member_id for reg in result["items"]])
    return render_template("reminders/idle_members.html", result=result, page=query_page(),
                           page_size=PAGE_SIZE, history=history, community_id=community_id,
                           communities=idle.communities_in_scope(current_user),
                           kind_labels=idle.KIND_LABELS)
