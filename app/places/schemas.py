import marshmallow as ma
from marshmallow import fields, validate

from app.api_base import Id, PageArgs, page_schema, text
from app.places.models import PlaceKind, UnitKind


class PlaceIn(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(PlaceKind)))
    name = text(1, 100, required=True)
    parent_id = Id(load_default=None, allow_none=True)


class PlaceOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    parent_id = fields.Integer(allow_none=True)


class UnitIn(ma.Schema):
    name = text(1, 120, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(UnitKind)))


class UnitOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class UnitQuery(PageArgs):
    q = fields.String(validate=validate.Length(max=50), metadata={"description": "part of the name"})


UnitPage = page_schema(UnitOut, "UnitPage")
