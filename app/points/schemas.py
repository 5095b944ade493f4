import marshmallow as ma
from marshmallow import fields, validate

from app.api_base import Id, Integer, PageArgs, Year, text
from app.points.checklist import ITEM_KEYS
from app.points.leaderboard import SCOPES
from app.points.models import CAP_PERIODS


class YearQuery(ma.Schema):
    year = Year()


class PointsQuery(PageArgs):
    year = Year()


class EntryOut(ma.Schema):
    id = fields.Integer(required=True)
    points = fields.Integer(required=True)
    rule = fields.String(required=True)
    rule_title = fields.String()
    reason = fields.String()
    source_type = fields.String(required=True)
    source_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)
    created_by = fields.String(allow_none=True)
    created_by_id = fields.Integer(allow_none=True)


class PointsOut(ma.Schema):
    year = fields.Integer(required=True)
    total = fields.Integer(required=True)
    entries = fields.List(fields.Nested(EntryOut), required=True)
    entries_total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    earned = fields.Integer(metadata={"description": "every point ever earned (all years)"})
    spent = fields.Integer(metadata={"description": "points spent on rewards (积分兑换), net of refunds"})
    balance = fields.Integer(metadata={"description": "earned − spent: what the member may still spend"})


class AdjustmentIn(ma.Schema):
    member_id = Id(required=True)
    points = Integer(required=True, validate=[validate.Range(min=-1000, max=1000),
                                                     validate.NoneOf([0])])
    reason = text(1, 300, required=True)
    request_key = text(1, 64, load_default=None, metadata={
        "description": "optional, one per intended correction (e.g. a UUID): sending the same "
                       "key again returns the entry already written instead of adding another"})


class LeaderboardQuery(ma.Schema):
    scope = fields.String(load_default="community", validate=validate.OneOf(SCOPES))
    scope_id = Id()
    year = Year()
    limit = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class RankOut(ma.Schema):
    rank = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    name = fields.String()
    points = fields.Integer(required=True)


class LeaderboardOut(ma.Schema):
    scope = fields.String(required=True)
    scope_id = fields.Integer(required=True)
    scope_name = fields.String()
    year = fields.Integer(required=True)
    items = fields.List(fields.Nested(RankOut), required=True)
    me = fields.Nested(RankOut, allow_none=True)


class EvidenceOut(ma.Schema):
    id = fields.Integer()
    source_type = fields.String()
    source_id = fields.Integer()
    note = fields.String()
    created_at = fields.DateTime()


class ChecklistItemOut(ma.Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    required = fields.Integer(required=True)
    count = fields.Integer()
    done = fields.Boolean(required=True)
    evidence = fields.List(fields.Nested(EvidenceOut), required=True)


class ChecklistOut(ma.Schema):
    year = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(ChecklistItemOut), required=True)


class RuleOut(ma.Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    points = fields.Integer(required=True)
    per_hour = fields.Boolean()
    cap_period = fields.String(allow_none=True)
    cap_points = fields.Integer(allow_none=True)
    is_active = fields.Boolean()
    updated_at = fields.DateTime(allow_none=True)


class RuleIn(ma.Schema):
    title = text(1, 100)
    points = Integer(required=True, validate=validate.Range(min=-1000, max=1000))
    per_hour = fields.Boolean()
    cap_period = fields.String(allow_none=True, validate=validate.OneOf(CAP_PERIODS))
    cap_points = Integer(allow_none=True, validate=validate.Range(min=1, max=100000))
    is_active = fields.Boolean()


class ConfigItemIn(ma.Schema):
    key = fields.String(required=True, validate=validate.OneOf(ITEM_KEYS))
    title = text(0, 100, load_default=None, allow_none=True)
    required = Integer(load_default=1, validate=validate.Range(min=1, max=50))


class ChecklistConfigQuery(ma.Schema):
    place_id = Id(required=True)
    year = Year()


class ChecklistConfigIn(ma.Schema):
    place_id = Id(required=True)
    year = Year(required=True)
    items = fields.List(fields.Nested(ConfigItemIn), required=True,
                        validate=validate.Length(min=1, max=len(ITEM_KEYS)))


class ConfigItemOut(ma.Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    required = fields.Integer(required=True)


class ChecklistConfigOut(ma.Schema):
    place_id = fields.Integer(required=True)
    place_name = fields.String()
    year = fields.Integer(required=True)
    is_own = fields.Boolean()
    items = fields.List(fields.Nested(ConfigItemOut), required=True)
