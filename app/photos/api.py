"""Photo evidence: uploading to a record (its author, an order's claimer) and fetching (who
may see the record; 404 for anyone else)."""
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import ANYONE
from app.photos import services
from app.photos.models import OwnerType
from app.photos.schemas import PhotoFiles, PhotoForm, PhotoOut
from app.photos.views import photo_response
from app.request_body import allow_larger_bodies

blp = Blueprint("photos_api", __name__, url_prefix="/api/v1", description="Photo evidence")
allow_larger_bodies(blp, "PHOTO_REQUEST_MAX_BYTES")


def _upload(owner_type: str, owner_id: int, form: dict):
    data = services.read_upload(request.files.get("file"))
    return services.add_photo(current_user, owner_type, owner_id, data, stage=form["stage"])


def _upload_endpoint(rule: str, owner_type: str, name: str, doc: str):
    @blp.route(rule, methods=["POST"], endpoint=name)
    @blp.arguments(PhotoForm, location="form")
    @blp.arguments(PhotoFiles, location="files")
    @blp.response(201, PhotoOut)
    @documents_errors(blp, 401, 403, 404, 409)
    @blp.alt_response(413, description="The file is over PHOTO_MAX_BYTES, or the request over "
                                       "PHOTO_REQUEST_MAX_BYTES")
    @roles_required(Role.MEMBER)
    def upload(form, _files, owner_id):
        return _upload(owner_type, owner_id, form)

    upload.__doc__ = doc
    return upload


_upload_endpoint("/service-records/<int:owner_id>/photos", OwnerType.SERVICE_RECORD,
                 "upload_record_photo", "A photo on one's own pending service record (at most 9). "
                 "JPEG, PNG, WebP or HEIC, checked by content and stored re-encoded without "
                 "metadata; anything else 422 naming `file`.")
_upload_endpoint("/orders/<int:owner_id>/photos", OwnerType.ORDER, "upload_order_photo",
                 "A photo (before or after) on an order one has claimed, until it is closed.")
_upload_endpoint("/suggestions/<int:owner_id>/photos", OwnerType.SUGGESTION,
                 "upload_suggestion_photo", "A photo on one's own pending suggestion.")


@blp.route("/photos/<token>", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="image/jpeg")
@documents_errors(blp, 401, 404)
@roles_required(*ANYONE)
def get_photo(token):
    """The photo (JPEG), to those who may see its record."""
    return photo_response(token, services.FULL)


@blp.route("/photos/<token>/thumbnail", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="image/jpeg")
@documents_errors(blp, 401, 404)
@roles_required(*ANYONE)
def get_thumbnail(token):
    return photo_response(token, services.THUMBNAIL)
