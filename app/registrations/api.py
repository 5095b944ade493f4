"""双报到 registration API."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors, paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.extensions import db
from app.registrations import services
from app.registrations.schemas import (
    RegistrationIn,
    RegistrationOut,
    RegistrationPage,
    RegistrationQuery,
    RejectIn,
    TransferIn,
)

blp = Blueprint("registrations_api", __name__, url_prefix="/api/v1/registrations",
                description="双报到 registration")
STAFF = (Role.STAFF, Role.STREET_ADMIN, Role.ADMIN)


@blp.route("", methods=["POST"])
@blp.arguments(RegistrationIn)
@blp.response(201, RegistrationOut)
@documents_errors(blp, 401, 403, 409)
@roles_required(Role.MEMBER)
def create_registration(data):
    """Register with the community where the member lives; 409 if one is pending or active."""
    reg = services.register(current_user, **data)
    db.session.commit()
    return reg


@blp.route("", methods=["GET"])
@blp.arguments(RegistrationQuery, location="query")
@blp.response(200, RegistrationPage)
@documents_errors(blp, 401, 403, 404)
@roles_required(Role.MEMBER, *STAFF)
def list_registrations(args):
    """Staff see their scope (filter by status and community: 403 outside it, 404 unknown);
    members see their own history."""
    stmt = services.list_registrations(current_user, status=args.get("status"),
                                       community_id=args.get("community_id"))
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/<int:reg_id>", methods=["GET"])
@blp.response(200, RegistrationOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(Role.MEMBER, *STAFF)
def get_registration(reg_id):
    """The member's own registration, or one in the staff's scope (else 404)."""
    return services.visible_registration(current_user, reg_id)


@blp.route("/<int:reg_id>/approve", methods=["POST"])
@blp.response(200, RegistrationOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF)
def approve(reg_id):
    """Staff of the registration's community approve a pending one (else 409)."""
    reg = services.approve(current_user, reg_id)
    db.session.commit()
    return reg


@blp.route("/<int:reg_id>/reject", methods=["POST"])
@blp.arguments(RejectIn)
@blp.response(200, RegistrationOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF)
def reject(data, reg_id):
    """Staff of the registration's community reject a pending one, with a reason."""
    reg = services.reject(current_user, reg_id, data["reason"])
    db.session.commit()
    return reg


@blp.route("/<int:reg_id>/transfer", methods=["POST"])
@blp.arguments(TransferIn)
@blp.response(201, RegistrationOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.MEMBER)
def transfer(data, reg_id):
    """Moving house: the old registration ends as transferred, a new pending one starts."""
    reg = services.transfer(current_user, reg_id, **data)
    db.session.commit()
    return reg
