import marshmallow as ma
from marshmallow import fields, validate

from app.api_base import Id, Integer, PageArgs, page_schema, text
from app.registrations.models import RegistrationStatus, ResourceKind
from app.registrations.resources import MAX_ITEMS, QUANTITY_MAX


class RegistrationIn(ma.Schema):
    community_id = Id(required=True)
    grid_id = Id(load_default=None, allow_none=True)
    address = text(1, 200, required=True)
    skills = fields.List(text(0, 40), load_default=list,
                         validate=validate.Length(max=20))
    availability = text(0, 200, load_default="")


class TransferIn(ma.Schema):
    community_id = Id(required=True)
    grid_id = Id(load_default=None, allow_none=True)
    address = text(1, 200, required=True)


class RejectIn(ma.Schema):
    reason = text(1, 500, required=True)


class RegistrationQuery(PageArgs):
    status = fields.String(validate=validate.OneOf(list(RegistrationStatus)))
    community_id = Id()


class RegistrationOut(ma.Schema):
    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member_name = fields.Function(lambda r: r.member.name)
    community_id = fields.Integer(required=True)
    community_name = fields.Function(lambda r: r.community.name)
    grid_id = fields.Integer(allow_none=True)
    address = fields.String()
    skills = fields.List(fields.String())
    availability = fields.String()
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    previous_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)


RegistrationPage = page_schema(RegistrationOut, "RegistrationPage")


class ResourceIn(ma.Schema):
    """One item of a unit's resource list (资源清单)."""

    kind = fields.String(required=True, validate=validate.OneOf(list(ResourceKind)))
    name = text(1, 100, required=True)
    description = text(0, 500, load_default="")
    quantity = Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=QUANTITY_MAX))
    available = text(0, 200, load_default="")
    contact = text(0, 100, load_default="")


class ResourceOut(ma.Schema):
    id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_name = fields.Function(lambda r: r.unit.name)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String()
    quantity = fields.Integer(allow_none=True)
    available = fields.String()
    contact = fields.String()
    updated_at = fields.DateTime()


ResourcePage = page_schema(ResourceOut, "ResourcePage")


class ResourceQuery(PageArgs):
    kind = fields.String(validate=validate.OneOf(list(ResourceKind)))
    q = text(0, 50)
    community_id = Id()


class UnitRegistrationIn(ma.Schema):
    community_id = Id(required=True)
    resources = fields.List(fields.Nested(ResourceIn), load_default=list,
                            validate=validate.Length(max=MAX_ITEMS))


class UnitRegistrationOut(ma.Schema):
    id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_name = fields.Function(lambda r: r.unit.name, required=True)
    community_id = fields.Integer(required=True)
    community_name = fields.Function(lambda r: r.community.name, required=True)
    resources = fields.List(fields.Nested(ResourceOut), required=True)
    created_at = fields.DateTime(required=True)


UnitRegistrationPage = page_schema(UnitRegistrationOut, "UnitRegistrationPage")
