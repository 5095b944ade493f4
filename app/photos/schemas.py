import marshmallow as ma
from flask import url_for

from app.api_base import one_of
from app.photos.models import Stage


class PhotoFiles(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class PhotoForm(ma.Schema):
    stage = one_of(tuple(Stage), load_default=None,
                   metadata={"description": "An order's photo: before or after (the default)"})


class PhotoOut(ma.Schema):
    id = ma.fields.String(attribute="token", required=True,
                          metadata={"description": "A random token (the URL's key), not a row id"})
    url = ma.fields.Method("_url", required=True)
    thumbnail_url = ma.fields.Method("_thumbnail_url", required=True)
    stage = ma.fields.String(allow_none=True)
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()

    def _url(self, photo):
        return url_for("photos_api.get_photo", token=photo.token)

    def _thumbnail_url(self, photo):
        return url_for("photos_api.get_thumbnail", token=photo.token)
