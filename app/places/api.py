"""Places and units."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors, paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.read_cache import cached_read
from app.extensions import db
from app.places import services
from app.places.schemas import (
    PlaceIn,
    PlaceOut,
    UnitIn,
    UnitOut,
    UnitPage,
    UnitQuery,
)

blp = Blueprint("places_api", __name__, url_prefix="/api/v1", description="Places and units")


@blp.route("/places", methods=["POST"])
@blp.arguments(PlaceIn)
@blp.response(201, PlaceOut)
@documents_errors(blp, 401, 403)
@roles_required(Role.ADMIN)
def create_place(data):
    """Create a district, street, community or grid (its parent must be of the kind above)."""
    place = services.create_place(**data, actor=current_user)
    return place


@blp.route("/places/<int:place_id>", methods=["GET"])
@blp.response(200, PlaceOut)
@documents_errors(blp, 401, 404)
@roles_required()
def get_place(place_id):
    """A place (the hierarchy is public to every signed-in user)."""
    return services.get_place(place_id)


@blp.route("/places/<int:place_id>/children", methods=["GET"])
@blp.response(200, PlaceOut(many=True))
@documents_errors(blp, 401, 404)
@roles_required()
def place_children(place_id):
    """The places directly under a place."""
    return services.children(services.get_place(place_id))


@blp.route("/units", methods=["GET"])
@blp.arguments(UnitQuery, location="query")
@blp.response(200, UnitPage)
@blp.doc(security=[])
@cached_read
def list_units(args):
    """Units a member can pick at sign-up; `q` filters by name."""
    return paginate(db.session, services.units_query(args.get("q")), args["page"], args["page_size"])


@blp.route("/units", methods=["POST"])
@blp.arguments(UnitIn)
@blp.response(201, UnitOut)
@documents_errors(blp, 401, 403, 409)
@roles_required(Role.ADMIN)
def create_unit(data):
    """Create a unit (employer or department); names are unique."""
    unit = services.create_unit(**data, actor=current_user)
    return unit
