"""Pages: the photos themselves (for <img> on the pages, by the session), and adding photos
to an order one has claimed."""
from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import ANYONE
from app.photos import services
from app.photos.models import OwnerType
from app.request_body import allow_larger_bodies

bp = Blueprint("photos", __name__)
allow_larger_bodies(bp, "PHOTO_REQUEST_MAX_BYTES")  # the order page's photo form
bp.record_once(lambda state: state.app.jinja_env.globals.update(photos_of=services.photos_of))


def photo_response(token: str, variant: str) -> Response:
    photo, data = services.photo_bytes(current_user, token, variant)
    response = Response(data, mimetype=photo.content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/photos/<token>")
@roles_required(*ANYONE)
def photo(token):
    return photo_response(token, services.FULL)


@bp.get("/photos/<token>/thumbnail")
@roles_required(*ANYONE)
def thumbnail(token):
    return photo_response(token, services.THUMBNAIL)


@bp.post("/orders/<int:order_id>/photos")
@roles_required(Role.MEMBER)
def order_photos(order_id):
    """The order page's photo form (a claimer; before or after)."""
    photos = services.add_uploads(current_user, OwnerType.ORDER, order_id,
                                  request.files.getlist("file"), stage=request.form.get("stage"))
    if photos:
        flash(_("已上传 %(n)s 张照片", n=len(photos)), "success")
    else:
        flash(_("请选择图片文件"), "error")
    return redirect(url_for("orders.detail", order_id=order_id))
