import marshmallow as ma
from marshmallow import fields, validate

from app.api_base import Id, Integer, PageArgs, Year, page_schema, text


class TeamIn(ma.Schema):
    name = text(1, 100, required=True)
    leader_id = Id(required=True)
    specialities = fields.List(text(1, 40), load_default=list, validate=validate.Length(max=10))
    community_id = Id(load_default=None, allow_none=True)
    unit_id = Id(load_default=None, allow_none=True)
    description = text(0, 500, load_default="")


class TeamQuery(PageArgs):
    community_id = Id()
    unit_id = Id()


class TeamOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    leader_id = fields.Integer(required=True)
    leader_name = fields.Function(lambda t: t.leader.name)
    specialities = fields.List(fields.String())
    description = fields.String()
    community_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    home_name = fields.Function(lambda t: t.community.name if t.community else t.unit.name)
    member_count = fields.Integer(required=True)
    created_at = fields.DateTime()


TeamPage = page_schema(TeamOut, "TeamPage")


class MemberIn(ma.Schema):
    member_id = Id(required=True)


class TeamMemberOut(ma.Schema):
    team_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member_name = fields.Function(lambda m: m.member.name)
    joined_at = fields.DateTime()


class TeamClaimIn(ma.Schema):
    order_id = Id(load_default=None, allow_none=True)
    project_id = Id(load_default=None, allow_none=True)


class TeamClaimOut(ma.Schema):
    id = fields.Integer(required=True)
    team_id = fields.Integer(required=True)
    target_type = fields.String(required=True)
    target_id = fields.Integer(required=True)
    created_at = fields.DateTime()


class TeamLeaderboardQuery(ma.Schema):
    year = Year()
    community_id = Id()
    limit = Integer(load_default=50, validate=validate.Range(min=1, max=100))


class TeamLeaderboardRowOut(ma.Schema):
    rank = fields.Integer(required=True)
    team_id = fields.Function(lambda r: r["team"].id)
    name = fields.Function(lambda r: r["team"].name)
    member_count = fields.Function(lambda r: r["team"].member_count)
    points = fields.Integer(required=True)
    claims = fields.Integer(required=True)


class TeamLeaderboardOut(ma.Schema):
    year = fields.Integer(required=True)
    items = fields.List(fields.Nested(TeamLeaderboardRowOut), required=True)
