import marshmallow as ma
from marshmallow import fields, validate

from app.activities.models import CATEGORIES, SignupStatus
from app.api_base import Id, Integer, PageArgs, aware, one_of, page_schema, text
from app.points.checklist import ITEM_KEYS


class ActivityIn(ma.Schema):
    community_id = Id(required=True)
    title = text(1, 120, required=True)
    category = one_of(CATEGORIES, required=True)
    checklist_item = fields.String(load_default="community_activity", allow_none=True,
                                   validate=validate.OneOf(ITEM_KEYS))
    starts_at = aware(required=True)
    ends_at = aware(required=True)
    capacity = Integer(required=True, validate=validate.Range(min=1, max=10000))
    points = Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=1000))
    description = text(0, 2000, load_default="")
    location = text(0, 200, load_default="")


class ActivityQuery(PageArgs):
    community_id = Id()
    upcoming = fields.Boolean(load_default=False)


class ActivityOut(ma.Schema):
    id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
    community_name = fields.Function(lambda a: a.community.name)
    title = fields.String(required=True)
    category = fields.String()
    description = fields.String()
    location = fields.String()
    checklist_item = fields.String(allow_none=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    capacity = fields.Integer(required=True)
    points = fields.Integer()
    signup_count = fields.Integer()
    is_full = fields.Boolean()
    is_cancelled = fields.Boolean()


class SignupOut(ma.Schema):
    id = fields.Integer(required=True)
    activity_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member_name = fields.Function(lambda s: s.member.name)
    status = fields.String(required=True, validate=validate.OneOf(list(SignupStatus)))
    no_show = fields.Boolean(dump_default=False)
    created_at = fields.DateTime()
    attended_at = fields.DateTime(allow_none=True)
    checkin_method = fields.String(allow_none=True)


class SignupList(ma.Schema):
    items = fields.List(fields.Nested(SignupOut), required=True)
    total = fields.Integer(required=True)
    no_shows = fields.Integer(required=True)


class AttendanceIn(ma.Schema):
    member_id = Id(required=True)


class CheckinCodeOut(ma.Schema):
    activity_id = fields.Integer(required=True)
    code = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    url = fields.String(required=True)


class CancelIn(ma.Schema):
    reason = text(1, 300, required=True)


class CheckinIn(ma.Schema):
    code = text(1, 500, required=True)


ActivityPage = page_schema(ActivityOut, "ActivityPage")
