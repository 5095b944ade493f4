import marshmallow as ma

from app.api_base import Id, text


class ResidentSignupIn(ma.Schema):
    phone = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=16))
    name = text(1, 64, required=True)
    community_id = Id(required=True)
    grid_id = Id(load_default=None, allow_none=True)
    address = text(1, 200, required=True)
