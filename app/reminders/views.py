"""Pages: the idle members of a community (staff)."""
from flask import Blueprint, render_template
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.permissions import roles_required
from app.auth.roles import STAFF_LIKE
from app.extensions import db
from app.i18n import N_
from app.observability import add_scrape_collector
from app.params import query_id, query_page
from app.places.services import communities_in_scope
from app.registrations.services import NOTICE_TITLES as REGISTRATION_NOTICES
from app.reminders import idle
from app.reminders.metrics import DatabaseCollector
from app.reminders.scheduling import install_embedded
from app.service.services import NOTICE_TITLES as SERVICE_NOTICES

bp = Blueprint("reminders", __name__)
bp.record_once(lambda state: install_embedded(state.app))
bp.record_once(lambda state: add_scrape_collector(state.app, DatabaseCollector))
# The notification titles that are constants; every other title holds stored text, shown as is.
NOTICE_TITLES = frozenset((*REGISTRATION_NOTICES, *SERVICE_NOTICES))
bp.record_once(lambda state: state.app.jinja_env.globals.update(NOTICE_TITLES=NOTICE_TITLES))
PAGE_SIZE = 20
nav.add(N_("未服务党员"), "reminders.idle_members", STAFF_LIKE, order=60)



@bp.get("/staff/idle-members")
@roles_required(*STAFF_LIKE)
def idle_members():
    community_id = query_id("community_id")
    stmt = idle.idle_members(current_user, community_id=community_id)
    result = paginate(db.session, stmt, query_page(), PAGE_SIZE)
    history = idle.reminder_history([reg.member_id for reg in result["items"]])
    return render_template("reminders/idle_members.html", result=result, page=query_page(),
                           page_size=PAGE_SIZE, history=history, community_id=community_id,
                           communities=communities_in_scope(current_user),
                           kind_labels=idle.KIND_LABELS)
