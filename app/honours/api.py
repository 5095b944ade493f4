"""表彰: nominate (staff), approve / reject / grant (street admins), object (the community's
members and residents during the publicity period)."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors, paginate
from app.auth.permissions import roles_required
from app.extensions import db
from app.honours import services
from app.honours.schemas import (
    HonourDecisionIn,
    HonourOut,
    HonourPage,
    HonourQuery,
    NominationIn,
    ObjectionIn,
    ObjectionOut,
)
from app.params import require_id

blp = Blueprint("honours_api", __name__, url_prefix="/api/v1", description="表彰 (honours)")


@blp.route("/honours", methods=["GET"])
@blp.arguments(HonourQuery, location="query")
@blp.response(200, HonourPage)
@documents_errors(blp, 401)
@roles_required()
def list_honours(args):
    """Staff and admins: every honour in their scope; members and residents: those in
    publicity or granted in their community; unit admins: their members' granted honours."""
    return paginate(db.session, services.honours_query(current_user), args["page"], args["page_size"])


@blp.route("/honours", methods=["POST"])
@blp.arguments(NominationIn)
@blp.response(201, HonourOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*services.NOMINATORS)
def nominate(data):
    """A member approved in a community of the caller's scope (`member_id`), or a team
    (`kind` team, `team_name`, `community_id`)."""
    return services.nominate(current_user, **data)


def _decide(honour_id: int, action: str, data: dict):
    return services.decide(current_user, require_id(honour_id, "honour"), action, data["note"])


@blp.route("/honours/<int:honour_id>/approve", methods=["POST"])
@blp.arguments(HonourDecisionIn)
@blp.response(200, HonourOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*services.APPROVERS)
def approve(data, honour_id):
    """Starts the publicity period (公示期, HONOUR_PUBLICITY_DAYS)."""
    return _decide(honour_id, "approve", data)


@blp.route("/honours/<int:honour_id>/reject", methods=["POST"])
@blp.arguments(HonourDecisionIn)
@blp.response(200, HonourOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*services.APPROVERS)
def reject(data, honour_id):
    return _decide(honour_id, "reject", data)


@blp.route("/honours/<int:honour_id>/grant", methods=["POST"])
@blp.arguments(HonourDecisionIn)
@blp.response(200, HonourOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*services.APPROVERS)
def grant(data, honour_id):
    """After the publicity period: 409 before it ends; with objections, `note` is required (422)."""
    return _decide(honour_id, "grant", data)


@blp.route("/honours/<int:honour_id>/object", methods=["POST"])
@blp.arguments(ObjectionIn)
@blp.response(201, ObjectionOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*services.OBJECTORS)
def object_to(data, honour_id):
    """A member or resident of the community, during the publicity period, once."""
    return services.object_to(current_user, require_id(honour_id, "honour"), data["reason"])
