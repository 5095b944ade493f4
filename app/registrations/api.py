"""双报到 registration API."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import PageArgs, documents_errors, paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import MEMBER_OR_STAFF, STAFF_LIKE, STAFF_OR_UNIT_ADMIN
from app.extensions import db
from app.places.services import get_unit
from app.registrations import services, units
from app.registrations.schemas import (
    RegistrationIn,
    RegistrationOut,
    RegistrationPage,
    RegistrationQuery,
    RejectIn,
    TransferIn,
    UnitRegistrationIn,
    UnitRegistrationOut,
    UnitRegistrationPage,
)

blp = Blueprint("registrations_api", __name__, url_prefix="/api/v1/registrations",
                description="双报到 registration")
units_blp = Blueprint("unit_registrations_api", __name__, url_prefix="/api/v1",
                      description="组织报到 (unit reporting)")


@blp.route("", methods=["POST"])
@blp.arguments(RegistrationIn)
@blp.response(201, RegistrationOut)
@documents_errors(blp, 401, 403, 409)
@roles_required(Role.MEMBER)
def create_registration(data):
    """Register with the community where the member lives; 409 if one is pending or active."""
    reg = services.register(current_user, **data)
    return reg


@blp.route("", methods=["GET"])
@blp.arguments(RegistrationQuery, location="query")
@blp.response(200, RegistrationPage)
@documents_errors(blp, 401, 403, 404)
@roles_required(*MEMBER_OR_STAFF)
def list_registrations(args):
    """Staff see their scope (filter by status and community: 403 outside it, 404 unknown);
    members see their own history."""
    stmt = services.list_registrations(current_user, status=args.get("status"),
                                       community_id=args.get("community_id"))
    return paginate(db.session, stmt, args["page"], args["page_size"])


@blp.route("/<int:reg_id>", methods=["GET"])
@blp.response(200, RegistrationOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*MEMBER_OR_STAFF)
def get_registration(reg_id):
    """The member's own registration, or one in the staff's scope (else 404)."""
    return services.visible_registration(current_user, reg_id)


@blp.route("/<int:reg_id>/approve", methods=["POST"])
@blp.response(200, RegistrationOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def approve(reg_id):
    """Staff of the registration's community approve a pending one (else 409)."""
    reg = services.approve(current_user, reg_id)
    return reg


@blp.route("/<int:reg_id>/reject", methods=["POST"])
@blp.arguments(RejectIn)
@blp.response(200, RegistrationOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def reject(data, reg_id):
    """Staff of the registration's community reject a pending one, with a reason."""
    reg = services.reject(current_user, reg_id, data["reason"])
    return reg


@blp.route("/<int:reg_id>/transfer", methods=["POST"])
@blp.arguments(TransferIn)
@blp.response(201, RegistrationOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(Role.MEMBER)
def transfer(data, reg_id):
    """Moving house: the old registration ends as transferred, a new pending one starts."""
    reg = services.transfer(current_user, reg_id, **data)
    return reg


@units_blp.route("/units/<int:unit_id>/registrations", methods=["POST"])
@units_blp.arguments(UnitRegistrationIn)
@units_blp.response(201, UnitRegistrationOut)
@documents_errors(units_blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def register_unit(data, unit_id):
    """组织报到: the unit reports to a community (in the caller's scope) with the resources it
    offers; once per unit and community (409)."""
    reg = units.register_unit(unit=get_unit(unit_id), community_id=data["community_id"],
                              resources=data["resources"], actor=current_user)
    return reg


@units_blp.route("/units/<int:unit_id>/registrations", methods=["GET"])
@units_blp.arguments(PageArgs, location="query")
@units_blp.response(200, UnitRegistrationPage)
@documents_errors(units_blp, 401, 403, 404)
@roles_required(*STAFF_OR_UNIT_ADMIN)
def unit_registrations(args, unit_id):
    """The communities the unit reported to, with its resources: its own admin sees all,
    staff and street admins those in their scope."""
    stmt = units.unit_registrations(current_user, get_unit(unit_id))
    return paginate(db.session, stmt, args["page"], args["page_size"])
