import marshmallow as ma
from marshmallow import fields, validate

from app.api_base import Id, PageArgs, aware, one_of, page_schema, text
from app.service.models import CATEGORIES, RecordStatus, SuggestionStatus
from app.service.services import MAX_HOURS, RECORD_ITEMS


class RecordIn(ma.Schema):
    community_id = Id(required=True)
    category = one_of(CATEGORIES, required=True)
    checklist_item = fields.String(load_default=None, allow_none=True,
                                   validate=validate.OneOf(RECORD_ITEMS))
    household_id = Id(load_default=None, allow_none=True)
    started_at = aware(required=True)
    hours = fields.Float(required=True, validate=validate.Range(min=0, max=MAX_HOURS, min_inclusive=False))
    description = text(1, 2000, required=True)


class VerifyIn(ma.Schema):
    approved = fields.Boolean(required=True)
    reason = text(0, 500, load_default=None, allow_none=True)


class RecordQuery(PageArgs):
    status = fields.String(validate=validate.OneOf(list(RecordStatus)))
    community_id = Id()


class RecordOut(ma.Schema):
    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member_name = fields.Function(lambda r: r.member.name)
    community_id = fields.Integer(required=True)
    category = fields.String()
    checklist_item = fields.String(allow_none=True)
    household_id = fields.Integer(allow_none=True)
    started_at = fields.DateTime()
    hours = fields.Float()
    description = fields.String()
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class SuggestionIn(ma.Schema):
    community_id = Id(required=True)
    title = text(1, 120, required=True)
    body = text(1, 2000, required=True)


class ServiceDecisionIn(ma.Schema):
    reason = text(0, 500, load_default=None, allow_none=True)


class DeclineIn(ma.Schema):
    reason = text(1, 500, required=True)


class SuggestionQuery(PageArgs):
    status = fields.String(validate=validate.OneOf(list(SuggestionStatus)))
    community_id = Id()


class SuggestionOut(ma.Schema):
    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member_name = fields.Function(lambda s: s.member.name)
    community_id = fields.Integer(required=True)
    title = fields.String()
    body = fields.String()
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class HouseholdIn(ma.Schema):
    community_id = Id(required=True)
    name = text(1, 64, required=True)
    address = text(1, 200, required=True)
    needs = text(0, 500, load_default="")


class HouseholdQuery(PageArgs):
    community_id = Id()


class HouseholdOut(ma.Schema):
    id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
    name = fields.String()
    address = fields.String()
    needs = fields.String()
    created_at = fields.DateTime()


class PairingIn(ma.Schema):
    household_id = Id(required=True)
    member_id = Id(required=True)


class PairingOut(ma.Schema):
    id = fields.Integer(required=True)
    household_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member_name = fields.Function(lambda p: p.member.name)
    created_at = fields.DateTime()


RecordPage = page_schema(RecordOut, "ServiceRecordPage")
SuggestionPage = page_schema(SuggestionOut, "SuggestionPage")
HouseholdPage = page_schema(HouseholdOut, "HouseholdPage")
