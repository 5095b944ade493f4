"""Places and units."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.models import Role
from app.auth.permissions import require_manage_community, roles_required
from app.extensions import db
from app.places import services
from app.places.schemas import PlaceIn, PlaceOut, UnitIn, UnitOut, UnitRegistrationIn, UnitRegistrationOut

blp = Blueprint("places_api", __name__, url_prefix="/api/v1", description="Places and units")


@blp.route("/places", methods=["POST"])
@blp.arguments(PlaceIn)
@blp.response(201, PlaceOut)
@roles_required(Role.ADMIN)
def create_place(data):
    """Create a district, street, community or grid."""
    place = services.create_place(**data, actor=current_user)
    db.session.commit()
    return place


@blp.route("/places/<int:place_id>", methods=["GET"])
@blp.response(200, PlaceOut)
@roles_required()
def get_place(place_id):
    return services.get_place(place_id)


@blp.route("/places/<int:place_id>/children", methods=["GET"])
@blp.response(200, PlaceOut(many=True))
@roles_required()
def place_children(place_id):
    return services.children(services.get_place(place_id))


@blp.route("/units", methods=["GET"])
@blp.response(200, UnitOut(many=True))
@blp.doc(security=[])
def list_units():
    """Units a member can pick at sign-up."""
    return services.list_units()


@blp.route("/units", methods=["POST"])
@blp.arguments(UnitIn)
@blp.response(201, UnitOut)
@roles_required(Role.ADMIN)
def create_unit(data):
    unit = services.create_unit(**data, actor=current_user)
    db.session.commit()
    return unit


@blp.route("/units/<int:unit_id>/registrations", methods=["POST"])
@blp.arguments(UnitRegistrationIn)
@blp.response(201, UnitRegistrationOut)
@roles_required(Role.ADMIN, Role.STREET_ADMIN, Role.STAFF)
def register_unit(data, unit_id):
    """组织报到: the unit reports to a community with the resources it offers."""
    unit = services.get_unit(unit_id)
    require_manage_community(current_user, data["community_id"])
    reg = services.register_unit(unit=unit, community_id=data["community_id"],
                                 resources=data["resources"], actor=current_user)
    db.session.commit()
    return reg
