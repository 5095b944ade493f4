import marshmallow as ma

from app.api_base import Id


class ResidentSignupIn(ma.Schema):
    phone = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=16))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    community_id = Id(required=True)
    grid_id = Id(load_default=None, allow_none=True)
    address = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
