"""API schemas of unit ratings (单位评议) and department performance (绩效评估)."""

import marshmallow as ma
from marshmallow import fields, validate

from app.api_base import Id, Year, text
from app.ratings.models import LEVEL_ORDER
from app.ratings.schemas import LEVEL_DOC, CommunityListOut, PublicQuery, RevisionOut, StatsPlaceOut


class NeedFigures(ma.Schema):
    received = fields.Integer(required=True, metadata={"description": "needs dispatched to the unit"})
    accepted = fields.Integer(required=True)
    declined = fields.Integer(required=True, metadata={"description": "sent back by the unit"})
    acceptance_rate = fields.Float(
        allow_none=True, metadata={"description": "accepted / (accepted + declined)"}
    )
    first_response_hours = fields.Float(
        allow_none=True, metadata={"description": "mean hours dispatch → accept"}
    )
    on_time_rate = fields.Float(
        allow_none=True,
        metadata={"description": "completed by the deadline / (completed + open past the deadline)"},
    )
    reopened_rate = fields.Float(allow_none=True, metadata={"description": "reopened / completed"})
    satisfaction = fields.Float(allow_none=True, metadata={"description": "residents' mean rating 1-5"})
    satisfaction_count = fields.Integer()
    score = fields.Float(allow_none=True, metadata={"description": "0-100, what the rank and level read"})


class UnitRatingFigures(NeedFigures):
    members_registered = fields.Integer(
        required=True, metadata={"description": "the unit's members registered with the community"}
    )
    members_served = fields.Integer(required=True, metadata={"description": "of them, served in the year"})
    service_rate = fields.Float(allow_none=True)
    projects_delivered = fields.Integer(required=True)


class UnitRatingQuery(ma.Schema):
    year = Year(metadata={"description": "default: this year"})
    community_id = Id(required=True)


class UnitRatingIn(ma.Schema):
    level = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(LEVEL_ORDER),
        metadata={"description": LEVEL_DOC + "; omitted: keep the level"},
    )
    comment = text(1, 1000, required=True, metadata={"description": "written comment (required)"})


class UnitCommunityRatingItemOut(ma.Schema):
    unit_id = fields.Integer(required=True)
    unit_name = fields.String()
    community_id = fields.Integer(required=True)
    community_name = fields.String()
    year = fields.Integer(required=True)
    level = fields.String(allow_none=True, required=True, metadata={"description": LEVEL_DOC})
    level_label = fields.String(allow_none=True)
    computed_level = fields.String(allow_none=True, metadata={"description": "suggested from the figures"})
    is_override = fields.Boolean()
    status = fields.String(required=True, metadata={"description": "published | draft"})
    comment = fields.String(required=True)
    figures = fields.Nested(UnitRatingFigures, required=True)
    published_at = fields.DateTime(allow_none=True)
    revision_count = fields.Integer()


class UnitCommunityRatingOut(UnitCommunityRatingItemOut):
    revisions = fields.List(fields.Nested(RevisionOut))


class UnitRatingListOut(CommunityListOut):
    items = fields.List(fields.Nested(UnitCommunityRatingItemOut), required=True)


class PublicUnitRatingOut(ma.Schema):
    unit_id = fields.Integer(required=True)
    unit_name = fields.String(required=True)
    community_id = fields.Integer()
    community_name = fields.String()
    level = fields.String(required=True)
    level_label = fields.String()
    published_at = fields.DateTime()
    revision_count = fields.Integer()


class PublicUnitRatingsOut(ma.Schema):
    year = fields.Integer(required=True)
    items = fields.List(fields.Nested(PublicUnitRatingOut), required=True)
    total = fields.Integer(required=True)


class UnitPublicQuery(PublicQuery):
    pass


class PerformanceQuery(ma.Schema):
    place_id = Id(metadata={"description": "community, street or district; default: yours"})
    year = Year()


class UnitPerformanceOut(NeedFigures):
    unit_id = fields.Integer(required=True)
    name = fields.String(required=True)
    rank = fields.Integer(allow_none=True, metadata={"description": "1 = best; none without needs"})


class CategoryPerformanceOut(NeedFigures):
    category = fields.String(required=True)


class PerformanceOut(ma.Schema):
    place = fields.Nested(StatsPlaceOut, required=True)
    year = fields.Integer(required=True)
    totals = fields.Nested(NeedFigures, required=True)
    units = fields.List(fields.Nested(UnitPerformanceOut), required=True)
    categories = fields.List(fields.Nested(CategoryPerformanceOut), required=True)
