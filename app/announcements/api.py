"""通知公告 / 党务公开: post (staff and admins, within scope) and read (everyone signed in)."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.announcements import services
from app.announcements.schemas import AnnouncementIn, AnnouncementOut, AnnouncementPage, AnnouncementQuery
from app.api_base import documents_errors, paginate
from app.auth.permissions import roles_required
from app.extensions import db

blp = Blueprint("announcements_api", __name__, url_prefix="/api/v1", description="通知公告 (announcements)")


@blp.route("/announcements", methods=["GET"])
@blp.arguments(AnnouncementQuery, location="query")
@blp.response(200, AnnouncementPage)
@documents_errors(blp, 401)
@roles_required()
def list_announcements(args):
    """The announcements that reach the caller (his community, street, district; staff also
    those inside their scope), pinned first, then newest; expired ones left out."""
    return paginate(db.session, services.announcements_query(current_user), args["page"], args["page_size"])


@blp.route("/announcements", methods=["POST"])
@blp.arguments(AnnouncementIn)
@blp.response(201, AnnouncementOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*services.POSTERS)
def post_announcement(data):
    """To a community, street or district inside the caller's scope; in the audience's daily
    digest the next morning."""
    return services.post(current_user, **data)
