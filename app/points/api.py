"""Points, adjustments, leaderboards, the checklist and the scoring rules."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.auth.permissions import require_view_member, roles_required
from app.auth.read_cache import cached_read
from app.auth.roles import ADMINS, BOARD_ROLES, STAFF_LIKE
from app.params import require_id
from app.points import config, services
from app.points.checklist import checklist_for
from app.points.leaderboard import leaderboard
from app.points.schemas import (
    AdjustmentIn,
    ChecklistConfigIn,
    ChecklistConfigOut,
    ChecklistConfigQuery,
    ChecklistOut,
    EntryOut,
    LeaderboardOut,
    LeaderboardQuery,
    PointsOut,
    PointsQuery,
    RuleIn,
    RuleOut,
    YearQuery,
)

blp = Blueprint("points_api", __name__, url_prefix="/api/v1",
                description="Points ledger, leaderboards, 五个一 checklist, scoring rules")



@blp.route("/members/<int:member_id>/points", methods=["GET"])
@blp.arguments(PointsQuery, location="query")
@blp.response(200, PointsOut)
@roles_required()
@cached_read
def member_points(args, member_id):
    """The member, his community's staff and his unit admin: total and ledger entries
    (newest first, paged); each entry names its rule, source and author; and the spend
    balance (`earned` − `spent` = `balance`, over all years: 积分兑换)."""
    require_view_member(current_user, require_id(member_id, "member"))
    return services.entries_page(member_id, args["year"], args["page"], args["page_size"],
                                 with_balance=True)


@blp.route("/points/adjustments", methods=["POST"])
@blp.arguments(AdjustmentIn)
@blp.response(201, EntryOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def create_adjustment(data):
    """A correction is a new ledger entry with a reason and an author; never an edit. With a
    `request_key`, a retry returns the same entry (pays once)."""
    entry = services.adjust(current_user, data["member_id"], data["points"], data["reason"],
                            request_key=data["request_key"])
    return {"id": entry.id, "points": entry.points, "rule": entry.rule_key,
            "rule_title": "人工调整", "reason": entry.reason, "source_type": entry.source_type,
            "source_id": entry.source_id, "created_at": entry.created_at,
            "created_by": current_user.name, "created_by_id": current_user.id}


@blp.route("/leaderboard", methods=["GET"])
@blp.arguments(LeaderboardQuery, location="query")
@blp.response(200, LeaderboardOut)
@roles_required(*BOARD_ROLES)
@cached_read
def get_leaderboard(args):
    """By scope: members see their community/street/unit, staff their community, street
    admins their streets and communities, unit admins their unit. Ties: earlier reached first."""
    return leaderboard(current_user, args["scope"], args.get("scope_id"), args["year"], args["limit"])


@blp.route("/members/<int:member_id>/checklist", methods=["GET"])
@blp.arguments(YearQuery, location="query")
@blp.response(200, ChecklistOut)
@roles_required()
@cached_read
def member_checklist(args, member_id):
    """The year's 五个一 list with each item's evidence."""
    require_view_member(current_user, require_id(member_id, "member"))
    return checklist_for(member_id, args["year"])


@blp.route("/scoring-rules", methods=["GET"])
@blp.response(200, RuleOut(many=True))
@roles_required(*ADMINS)
def list_rules():
    return config.list_rules()


@blp.route("/scoring-rules/<string:key>", methods=["PUT"])
@blp.arguments(RuleIn)
@blp.response(200, RuleOut)
@roles_required(*ADMINS)
def update_rule(data, key):
    """District-level admins change a rule for future awards (audited)."""
    rule = config.update_rule(current_user, key, data)
    return rule


@blp.route("/checklist-config", methods=["GET"])
@blp.arguments(ChecklistConfigQuery, location="query")
@blp.response(200, ChecklistConfigOut)
@roles_required(*ADMINS)
def get_checklist_config(args):
    return config.checklist_config(current_user, args["place_id"], args["year"])


@blp.route("/checklist-config", methods=["PUT"])
@blp.arguments(ChecklistConfigIn)
@blp.response(200, ChecklistConfigOut)
@roles_required(*ADMINS)
def put_checklist_config(data):
    """Replaces a street's or district's list for a year (items and required counts)."""
    config.set_checklist(current_user, data["place_id"], data["year"], data["items"])
    result = config.checklist_config(current_user, data["place_id"], data["year"])
    return result
