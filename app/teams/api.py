"""服务队 API: teams, their members, claims as one, the team leaderboard."""

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import PageArgs, documents_errors, paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import PARTICIPANTS, STAFF_LIKE
from app.errors import Invalid
from app.extensions import db
from app.teams import services
from app.teams.schemas import (
    MemberIn,
    TeamClaimIn,
    TeamClaimOut,
    TeamIn,
    TeamLeaderboardOut,
    TeamLeaderboardQuery,
    TeamMemberOut,
    TeamMemberPage,
    TeamOut,
    TeamPage,
    TeamQuery,
)

blp = Blueprint("teams_api", __name__, url_prefix="/api/v1/teams", description="服务队 (service teams)")
VIEWERS = PARTICIPANTS


@blp.route("", methods=["POST"])
@blp.arguments(TeamIn)
@blp.response(201, TeamOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.UNIT_ADMIN, *STAFF_LIKE)
def create_team(data):
    """Staff form a team of a community they manage (`community_id`), a unit's admin one of his
    unit (`unit_id`); the leader is a member of that home."""
    return services.create_team(current_user, **data)


@blp.route("", methods=["GET"])
@blp.arguments(TeamQuery, location="query")
@blp.response(200, TeamPage)
@documents_errors(blp, 401, 403)
@roles_required(*VIEWERS)
def list_teams(args):
    stmt = services.list_teams(
        current_user, community_id=args.get("community_id"), unit_id=args.get("unit_id")
    )
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/leaderboard", methods=["GET"])
@blp.arguments(TeamLeaderboardQuery, location="query")
@blp.response(200, TeamLeaderboardOut)
@documents_errors(blp, 401, 403)
@roles_required(*VIEWERS)
def leaderboard(args):
    """The teams the caller may see, by their members' points in the year."""
    rows = services.leaderboard(
        current_user, args["year"], community_id=args.get("community_id"), limit=args["limit"]
    )
    return {"year": args["year"], "items": rows}


@blp.route("/<int:team_id>", methods=["GET"])
@blp.response(200, TeamOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*VIEWERS)
def get_team(team_id):
    return services.visible_team(current_user, team_id)


@blp.route("/<int:team_id>/members", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, TeamMemberPage)
@documents_errors(blp, 401, 403, 404)
@roles_required(*VIEWERS)
def list_members(args, team_id):
    stmt = services.members_query(services.visible_team(current_user, team_id).id)
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/<int:team_id>/members", methods=["POST"])
@blp.arguments(MemberIn)
@blp.response(201, TeamMemberOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.MEMBER)
def add_member(data, team_id):
    """The team's leader adds a member of the team's home community or unit; twice: 409."""
    return services.add_member(current_user, team_id, data["member_id"])


@blp.route("/<int:team_id>/claims", methods=["POST"])
@blp.arguments(TeamClaimIn)
@blp.response(201, TeamClaimOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.MEMBER)
def claim(data, team_id):
    """The leader claims a pool need (`order_id`) or a project (`project_id`) for the team."""
    if (data["order_id"] is None) == (data["project_id"] is None):
        raise Invalid("order_id", _("请指定一项点单或一个项目"))
    if data["order_id"] is not None:
        return services.claim_order(current_user, team_id, data["order_id"])
    return services.claim_project(current_user, team_id, data["project_id"])
