from marshmallow import Schema, fields, validate

from app.api_base import Id, Integer, PageArgs, page_schema, text
from app.rewards.models import RedemptionStatus


class RewardIn(Schema):
    place_id = Id(required=True)
    unit_id = Id(load_default=None, allow_none=True)
    name = text(1, 100, required=True)
    description = text(0, 500, load_default="")
    points = Integer(required=True, validate=validate.Range(min=1, max=100000))
    stock = Integer(required=True, validate=validate.Range(min=0, max=100000))
    per_member_limit = Integer(load_default=1, validate=validate.Range(min=1, max=100))
    starts_on = fields.Date(load_default=None, allow_none=True)
    ends_on = fields.Date(load_default=None, allow_none=True)


class RewardOut(Schema):
    id = fields.Integer(required=True)
    place_id = fields.Integer(required=True)
    place_name = fields.String(attribute="place.name")
    unit_id = fields.Integer(allow_none=True)
    name = fields.String(required=True)
    description = fields.String()
    points = fields.Integer(required=True)
    stock = fields.Integer(required=True)
    per_member_limit = fields.Integer()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    is_active = fields.Boolean()


class RedeemIn(Schema):
    # The client's key of this redemption: sending the same one again (a retry, a double tap)
    # answers the first redemption and spends once.
    request_key = text(0, 64, load_default=None, allow_none=True)


class RedemptionOut(Schema):
    id = fields.Integer(required=True)
    reward_id = fields.Integer(required=True)
    reward_name = fields.String(attribute="reward.name")
    member_id = fields.Integer(required=True)
    member_name = fields.String(attribute="member.name")
    points = fields.Integer(required=True)
    status = fields.String(required=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class RedemptionQuery(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in RedemptionStatus]))


RewardPage = page_schema(RewardOut, "RewardPage")
RedemptionPage = page_schema(RedemptionOut, "RedemptionPage")
