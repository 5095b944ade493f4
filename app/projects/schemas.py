import marshmallow as ma
from marshmallow import fields, validate

from app.api_base import Id, Integer, PageArgs, aware, day, one_of, page_schema, text
from app.points.checklist import ITEM_KEYS
from app.projects.models import KINDS, ProjectStatus


class ProjectIn(ma.Schema):
    community_id = Id(required=True)
    title = text(1, 120, required=True)
    kind = one_of(KINDS, required=True)
    goals = text(1, 2000, required=True)
    starts_on = day(required=True)
    ends_on = day(required=True)
    slots = Integer(required=True, validate=validate.Range(min=1, max=10000))
    points = Integer(required=True, validate=validate.Range(min=0, max=1000))
    skills = fields.List(text(1, 40), load_default=list, validate=validate.Length(max=20))
    checklist_item = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(ITEM_KEYS))
    places = Integer(load_default=1, validate=validate.Range(min=1, max=100))
    hours = fields.Float(load_default=2.0, validate=validate.Range(min=0, max=24))
    resources_needed = text(0, 500, load_default="")
    agreement_id = Id(load_default=None, allow_none=True)


class ProjectQuery(PageArgs):
    status = fields.String(validate=validate.OneOf(list(ProjectStatus)))
    community_id = Id()


class ClaimedResourceOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)


class ProjectClaimOut(ma.Schema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    unit_id = fields.Integer(allow_none=True)
    claimant_name = fields.String(required=True)
    status = fields.String(required=True)
    note = fields.String()
    resources = fields.List(fields.Nested(ClaimedResourceOut))
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class ProjectSessionIn(ma.Schema):
    title = text(1, 120, required=True)
    location = text(0, 200, load_default="")
    starts_at = aware(required=True)
    ends_at = aware(required=True)
    slots = Integer(required=True, validate=validate.Range(min=1, max=10000))


class ProjectSessionEditIn(ma.Schema):
    """Only the fields given change."""

    title = text(1, 120)
    location = text(0, 200)
    starts_at = aware()
    ends_at = aware()
    slots = Integer(validate=validate.Range(min=1, max=10000))


class ProjectSessionCancelIn(ma.Schema):
    reason = text(1, 500, required=True)


class ProjectSessionOut(ma.Schema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    title = fields.String(required=True)
    location = fields.String()
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    hours = fields.Float()
    slots = fields.Integer(required=True)
    signup_count = fields.Integer()
    slots_left = fields.Integer()
    status = fields.String(required=True)
    cancel_reason = fields.String()


class ProjectSignupIn(ma.Schema):
    session_id = Id(load_default=None, allow_none=True)


class ProjectSignupOut(ma.Schema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    session_id = fields.Integer(allow_none=True)
    member_id = fields.Integer(required=True)
    member_name = fields.Function(lambda s: s.member.name)
    created_at = fields.DateTime()
    hours = fields.Float(allow_none=True)
    points = fields.Integer(allow_none=True)
    is_absent = fields.Boolean()


class ProjectEventOut(ma.Schema):
    at = fields.DateTime(required=True)
    actor_id = fields.Integer(allow_none=True)
    action = fields.String(required=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    note = fields.String()


class ProjectOut(ma.Schema):
    id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
    community_name = fields.Function(lambda p: p.community.name)
    agreement_id = fields.Integer(allow_none=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    goals = fields.String()
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    places = fields.Integer(required=True)
    places_left = fields.Integer()
    slots = fields.Integer(required=True)
    slots_left = fields.Integer()
    signup_count = fields.Integer()
    points = fields.Integer(required=True)
    hours = fields.Float()
    skills = fields.List(fields.String())
    resources_needed = fields.String()
    checklist_item = fields.String(allow_none=True)
    status = fields.String(required=True)
    outcome = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class ProjectDetailOut(ProjectOut):
    claims = fields.List(fields.Nested(ProjectClaimOut))
    signups = fields.List(fields.Nested(ProjectSignupOut))
    sessions = fields.List(fields.Nested(ProjectSessionOut))
    events = fields.List(fields.Nested(ProjectEventOut))
    actions = fields.List(fields.String())


ProjectPage = page_schema(ProjectOut, "ProjectPage")


class ClaimIn(ma.Schema):
    unit_id = Id(required=True)
    resource_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=50))
    note = text(0, 500, load_default="")


class ProjectDecisionIn(ma.Schema):
    reason = text(0, 500, load_default="")


class UpdateIn(ma.Schema):
    note = text(1, 1000, required=True)


class CloseIn(ma.Schema):
    outcome = text(1, 2000, required=True)
    absent_member_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10000))
    absent_signup_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10000))


class ProjectCancelIn(ma.Schema):
    reason = text(1, 500, required=True)


class AgreementIn(ma.Schema):
    community_id = Id(required=True)
    unit_id = Id(required=True)
    title = text(1, 120, required=True)
    content = text(1, 5000, required=True)
    starts_on = day(required=True)
    ends_on = day(required=True)


class AgreementQuery(PageArgs):
    community_id = Id()
    unit_id = Id()


class AgreementOut(ma.Schema):
    id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
    community_name = fields.Function(lambda a: a.community.name)
    unit_id = fields.Integer(required=True)
    unit_name = fields.Function(lambda a: a.unit.name)
    title = fields.String(required=True)
    content = fields.String()
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    project_ids = fields.Function(lambda a: [p.id for p in a.projects])
    created_at = fields.DateTime()


AgreementPage = page_schema(AgreementOut, "AgreementPage")
