"""Service records, suggestions, needy households and pairings."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import MEMBER_OR_STAFF, STAFF_LIKE
from app.extensions import db
from app.service import services
from app.service.schemas import (
    DeclineIn,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdQuery,
    PairingIn,
    PairingOut,
    RecordIn,
    RecordOut,
    RecordPage,
    RecordQuery,
    ServiceDecisionIn,
    SuggestionIn,
    SuggestionOut,
    SuggestionPage,
    SuggestionQuery,
    VerifyIn,
)

blp = Blueprint("service_api", __name__, url_prefix="/api/v1",
                description="Service records, suggestions, needy households, pairings")


@blp.route("/service-records", methods=["POST"])
@blp.arguments(RecordIn)
@blp.response(201, RecordOut)
@roles_required(Role.MEMBER)
def create_record(data):
    """A member logs service in his community; pending until staff verify it."""
    rec = services.create_record(current_user, **data)
    return rec


@blp.route("/service-records", methods=["GET"])
@blp.arguments(RecordQuery, location="query")
@blp.response(200, RecordPage)
@roles_required(*MEMBER_OR_STAFF)
def list_records(args):
    stmt = services.list_records(current_user, status=args.get("status"),
                                 community_id=args.get("community_id"))
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/service-records/<int:record_id>", methods=["GET"])
@blp.response(200, RecordOut)
@roles_required(*MEMBER_OR_STAFF)
def get_record(record_id):
    return services.visible_record(current_user, record_id)


@blp.route("/service-records/<int:record_id>/verify", methods=["POST"])
@blp.arguments(VerifyIn)
@blp.response(200, RecordOut)
@roles_required(*STAFF_LIKE)
def verify_record(data, record_id):
    """Approve (points per hour, checklist) or reject with a reason."""
    rec = services.verify_record(current_user, record_id, data["approved"], data.get("reason"))
    return rec


@blp.route("/suggestions", methods=["POST"])
@blp.arguments(SuggestionIn)
@blp.response(201, SuggestionOut)
@roles_required(Role.MEMBER)
def create_suggestion(data):
    sug = services.create_suggestion(current_user, **data)
    return sug


@blp.route("/suggestions", methods=["GET"])
@blp.arguments(SuggestionQuery, location="query")
@blp.response(200, SuggestionPage)
@roles_required(*MEMBER_OR_STAFF)
def list_suggestions(args):
    stmt = services.list_suggestions(current_user, status=args.get("status"),
                                     community_id=args.get("community_id"))
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/suggestions/<int:suggestion_id>/adopt", methods=["POST"])
@blp.arguments(ServiceDecisionIn)
@blp.response(200, SuggestionOut)
@roles_required(*STAFF_LIKE)
def adopt_suggestion(data, suggestion_id):
    """Adopting pays points and ticks the suggestion item."""
    sug = services.decide_suggestion(current_user, suggestion_id, True, data.get("reason"))
    return sug


@blp.route("/suggestions/<int:suggestion_id>/decline", methods=["POST"])
@blp.arguments(DeclineIn)
@blp.response(200, SuggestionOut)
@roles_required(*STAFF_LIKE)
def decline_suggestion(data, suggestion_id):
    sug = services.decide_suggestion(current_user, suggestion_id, False, data["reason"])
    return sug


@blp.route("/households", methods=["POST"])
@blp.arguments(HouseholdIn)
@blp.response(201, HouseholdOut)
@roles_required(*STAFF_LIKE)
def create_household(data):
    household = services.create_household(current_user, **data)
    return household


@blp.route("/households", methods=["GET"])
@blp.arguments(HouseholdQuery, location="query")
@blp.response(200, HouseholdPage)
@roles_required(*MEMBER_OR_STAFF)
def list_households(args):
    """Staff: the needy households in scope; members: those they are paired with."""
    stmt = services.list_households(current_user, args.get("community_id"))
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/pairings", methods=["POST"])
@blp.arguments(PairingIn)
@blp.response(201, PairingOut)
@roles_required(*STAFF_LIKE)
def create_pairing(data):
    pairing = services.pair(current_user, data["household_id"], data["member_id"])
    return pairing
