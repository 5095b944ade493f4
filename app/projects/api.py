"""项目清单 API: post and list projects, claims (认领), sign-ups, progress, closing; 共建协议."""

from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors, paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import PARTICIPANTS, STAFF_LIKE, UNIT_SIDE
from app.extensions import db
from app.projects import agreements, services, sessions
from app.projects.schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPage,
    AgreementQuery,
    ClaimIn,
    CloseIn,
    ProjectCancelIn,
    ProjectClaimOut,
    ProjectDecisionIn,
    ProjectDetailOut,
    ProjectEventOut,
    ProjectIn,
    ProjectPage,
    ProjectQuery,
    ProjectSessionCancelIn,
    ProjectSessionEditIn,
    ProjectSessionIn,
    ProjectSessionOut,
    ProjectSignupIn,
    ProjectSignupOut,
    UpdateIn,
)

blp = Blueprint(
    "projects_api",
    __name__,
    url_prefix="/api/v1",
    description="项目清单 (co-building projects) and 共建协议 (agreements)",
)
VIEWERS = PARTICIPANTS


@blp.route("/projects", methods=["POST"])
@blp.arguments(ProjectIn)
@blp.response(201, ProjectDetailOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def create_project(data):
    """Staff post a project in a community they manage (404 for one outside their scope)."""
    project = services.create_project(current_user, **data)
    return services.project_detail(current_user, project.id)


@blp.route("/projects", methods=["GET"])
@blp.arguments(ProjectQuery, location="query")
@blp.response(200, ProjectPage)
@documents_errors(blp, 401, 403)
@roles_required(*VIEWERS)
def list_projects(args):
    """By scope: staff their communities; unit admins the communities their unit reported to;
    members their community's and their unit's."""
    stmt = services.list_projects(
        current_user, status=args.get("status"), community_id=args.get("community_id")
    )
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/projects/<int:project_id>", methods=["GET"])
@blp.response(200, ProjectDetailOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*VIEWERS)
def get_project(project_id):
    """The project with its claims, sign-ups, timeline and the caller's `actions`."""
    return services.project_detail(current_user, project_id)


@blp.route("/projects/<int:project_id>/claims", methods=["POST"])
@blp.arguments(ClaimIn)
@blp.response(201, ProjectClaimOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.UNIT_ADMIN)
def claim_project(data, project_id):
    """认领: the unit's admin claims a place with resources of its list; the last place taken: 409."""
    return services.claim_project(current_user, project_id, **data)


@blp.route("/projects/<int:project_id>/claims/<int:claim_id>/accept", methods=["POST"])
@blp.arguments(ProjectDecisionIn)
@blp.response(200, ProjectClaimOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def accept_claim(data, project_id, claim_id):
    """Staff accept a unit's claim; its admins are told."""
    return services.decide_claim(current_user, project_id, claim_id, True, data["reason"])


@blp.route("/projects/<int:project_id>/claims/<int:claim_id>/decline", methods=["POST"])
@blp.arguments(ProjectDecisionIn)
@blp.response(200, ProjectClaimOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def decline_claim(data, project_id, claim_id):
    """Staff decline a unit's claim; its place comes free."""
    return services.decide_claim(current_user, project_id, claim_id, False, data["reason"])


@blp.route("/projects/<int:project_id>/claims/<int:claim_id>/withdraw", methods=["POST"])
@blp.response(200, ProjectClaimOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*UNIT_SIDE)
def withdraw_claim(project_id, claim_id):
    """The claiming unit's admin (or team leader) gives the place back."""
    return services.withdraw_claim(current_user, project_id, claim_id)


@blp.route("/projects/<int:project_id>/signups", methods=["POST"])
@blp.arguments(ProjectSignupIn, required=False)
@blp.response(201, ProjectSignupOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.MEMBER)
def sign_up(data, project_id):
    """A member of the project's community (or of a claiming unit) takes a slot: of the project
    (no body) when it has no sessions, else of the session `session_id` (required then: 422).
    The last slot taken, signed up already, the session cancelled or started: 409."""
    return services.sign_up(current_user, project_id, data.get("session_id"))


@blp.route("/projects/<int:project_id>/signups/<int:signup_id>/cancel", methods=["POST"])
@blp.response(200, ProjectSignupOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.MEMBER)
def cancel_signup(project_id, signup_id):
    """The member gives his slot back before his session starts (before the project's first day
    without a session; 409 after); the slot is free again."""
    return services.cancel_signup(current_user, project_id, signup_id)


@blp.route("/projects/<int:project_id>/sessions", methods=["GET"])
@blp.response(200, ProjectSessionOut(many=True))
@documents_errors(blp, 401, 403, 404)
@roles_required(*VIEWERS)
def list_sessions(project_id):
    """The project's sessions (场次) in time order, with the slots left; cancelled ones too."""
    return sessions.visible_sessions(current_user, project_id)


@blp.route("/projects/<int:project_id>/sessions", methods=["POST"])
@blp.arguments(ProjectSessionIn)
@blp.response(201, ProjectSessionOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def create_session(data, project_id):
    """Staff of the project's community add a session within its period, starting later than
    now (422 naming the field otherwise); the project is signed up for by session from then on."""
    return sessions.create_session(current_user, project_id, **data)


@blp.route("/projects/<int:project_id>/sessions/<int:session_id>", methods=["PATCH"])
@blp.arguments(ProjectSessionEditIn)
@blp.response(200, ProjectSessionOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def update_session(data, project_id, session_id):
    """Staff change a live session; its slots never below those signed up (422)."""
    return sessions.update_session(current_user, project_id, session_id, **data)


@blp.route("/projects/<int:project_id>/sessions/<int:session_id>/cancel", methods=["POST"])
@blp.arguments(ProjectSessionCancelIn)
@blp.response(200, ProjectSessionOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def cancel_session(data, project_id, session_id):
    """Staff cancel a live session; those signed up are told."""
    return sessions.cancel_session(current_user, project_id, session_id, data["reason"])


@blp.route("/projects/<int:project_id>/updates", methods=["POST"])
@blp.arguments(UpdateIn)
@blp.response(201, ProjectEventOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*PARTICIPANTS)
def add_update(data, project_id):
    """A progress note by the community's staff or a claiming unit's admin."""
    return services.add_update(current_user, project_id, data["note"])


@blp.route("/projects/<int:project_id>/close", methods=["POST"])
@blp.arguments(CloseIn)
@blp.response(200, ProjectDetailOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def close_project(data, project_id):
    """结项: records the outcome, credits each participant the hours of the sessions he attended
    (not in `absent_signup_ids`; the project's hours without sessions; `absent_member_ids`:
    nothing) and pays him once; closing again: 409."""
    services.close_project(
        current_user,
        project_id,
        data["outcome"],
        absent_member_ids=data["absent_member_ids"],
        absent_signup_ids=data["absent_signup_ids"],
    )
    return services.project_detail(current_user, project_id)


@blp.route("/projects/<int:project_id>/cancel", methods=["POST"])
@blp.arguments(ProjectCancelIn)
@blp.response(200, ProjectDetailOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def cancel_project(data, project_id):
    services.cancel_project(current_user, project_id, data["reason"])
    return services.project_detail(current_user, project_id)


@blp.route("/agreements", methods=["POST"])
@blp.arguments(AgreementIn)
@blp.response(201, AgreementOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def create_agreement(data):
    """共建协议 between a community (in the caller's scope) and a unit that reported to it."""
    return agreements.create_agreement(current_user, **data)


@blp.route("/agreements", methods=["GET"])
@blp.arguments(AgreementQuery, location="query")
@blp.response(200, AgreementPage)
@documents_errors(blp, 401, 403)
@roles_required(Role.UNIT_ADMIN, *STAFF_LIKE)
def list_agreements(args):
    stmt = agreements.list_agreements(
        current_user, community_id=args.get("community_id"), unit_id=args.get("unit_id")
    )
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/agreements/<int:agreement_id>", methods=["GET"])
@blp.response(200, AgreementOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(Role.UNIT_ADMIN, *STAFF_LIKE)
def get_agreement(agreement_id):
    return agreements.visible_agreement(current_user, agreement_id)
