from marshmallow import Schema, fields

from app.api_base import Id, PageArgs, Year, one_of, page_schema, text
from app.honours.models import KINDS


class NominationIn(Schema):
    kind = one_of(KINDS, required=True)
    member_id = Id(load_default=None, allow_none=True)
    team_name = text(0, 100, load_default="")
    community_id = Id(load_default=None, allow_none=True)
    reasons = text(1, 2000, required=True)
    year = Year()


class HonourDecisionIn(Schema):
    note = text(0, 500, load_default="")


class ObjectionIn(Schema):
    reason = text(1, 500, required=True)


class ObjectionOut(Schema):
    id = fields.Integer()
    reason = fields.String()
    created_at = fields.DateTime()


class HonourOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    year = fields.Integer()
    community_id = fields.Integer()
    community_name = fields.String(attribute="community.name")
    member_id = fields.Integer(allow_none=True)
    member_name = fields.String(attribute="member.name", allow_none=True)
    team_name = fields.String()
    reasons = fields.String()
    status = fields.String(required=True)
    publicity_ends_at = fields.DateTime(allow_none=True)
    granted_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()
    objection_count = fields.Function(lambda h: len(h.objections))


HonourQuery = PageArgs
HonourPage = page_schema(HonourOut, "HonourPage")
