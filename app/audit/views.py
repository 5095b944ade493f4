"""The audit page: who did what, in words (system admins: everything; street and district
admins: what the accounts in their place did)."""
from flask import Blueprint, render_template
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.audit import labels
from app.audit.services import visible_entries
from app.auth.permissions import roles_required
from app.auth.roles import ADMINS
from app.extensions import db
from app.i18n import N_
from app.params import query_page

bp = Blueprint("audit", __name__)
PAGE_SIZE = 50
nav.add(N_("操作记录"), "audit.audit_log", ADMINS, order=90)



@bp.get("/admin/audit")
@roles_required(*ADMINS)
def audit_log():
    page = query_page()
    return render_template("audit/audit_log.html", page=page, page_size=PAGE_SIZE, labels=labels,
                           result=paginate(db.session, visible_entries(current_user), page, PAGE_SIZE))
