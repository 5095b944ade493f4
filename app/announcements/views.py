"""Pages of 通知公告: the list everyone signed in reads; the form staff and admins post with."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.announcements import services
from app.announcements.forms import AnnouncementForm
from app.api_base import paginate
from app.auth.permissions import roles_required
from app.extensions import db
from app.forms import form_page
from app.i18n import N_
from app.params import query_page
from app.places.services import places_in_scope

bp = Blueprint("announcements", __name__)
bp.record_once(lambda state: state.app.jinja_env.globals.update(latest_announcements=services.latest_for))
nav.add(N_("通知公告"), "announcements.index", (), order=44)
PAGE_SIZE = 20


@bp.route("/announcements")
@roles_required()
def index():
    page = query_page()
    items = paginate(db.session, services.announcements_query(current_user), page, PAGE_SIZE)
    return render_template("announcements/index.html", items=items, page=page, page_size=PAGE_SIZE,
                           may_post=current_user.role in services.POSTERS)


@bp.route("/announcements/new", methods=["GET", "POST"])
@roles_required(*services.POSTERS)
def new():
    form = AnnouncementForm()
    form.place_id.choices = [(p.id, p.name) for p in places_in_scope(current_user, *services.TARGET_KINDS)]
    return form_page(form, "announcements/form.html", lambda: services.post(
        current_user, place_id=form.place_id.data, title=form.title.data, body=form.body.data,
        is_pinned=form.is_pinned.data, expires_on=form.expires_on.data),
        _("公告已发布，明天的每日提醒会通知到相关党员和居民"), lambda _item: url_for("announcements.index"))
