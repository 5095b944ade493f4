import marshmallow as ma
from marshmallow import fields, validate

from app.api_base import Id, Integer, PageArgs, Year, text
from app.ratings.models import GRADED_LEVELS, LEVEL_ORDER, ShownLevels
from app.ratings.rows import SORTS

LEVEL_DOC = "excellent 优秀 | good 良好 | qualified 合格 | basic 基本合格 | unqualified 不合格"
SORT_DOC = ("name, community, level (best first), points, checklist, hours, satisfaction; "
            "'-' before it: descending")


class RatingYearQuery(ma.Schema):
    year = Year(metadata={"description": "default: this year"})


class RatingIn(ma.Schema):
    level = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LEVEL_ORDER),
                          metadata={"description": LEVEL_DOC + "; omitted: keep the level"})
    comment = text(1, 1000, required=True, metadata={"description": "written comment (required)"})


class RevisionOut(ma.Schema):
    id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    created_by_id = fields.Integer(allow_none=True)
    created_by = fields.String(allow_none=True, metadata={"description": "the author's name"})
    old_level = fields.String(required=True)
    new_level = fields.String(required=True)
    old_comment = fields.String()
    new_comment = fields.String()


class RatingOut(ma.Schema):
    member_id = fields.Integer(required=True)
    name = fields.String()
    year = fields.Integer(required=True)
    level = fields.String(allow_none=True, required=True, metadata={"description": LEVEL_DOC})
    level_label = fields.String(allow_none=True)
    computed_level = fields.String(allow_none=True)
    is_override = fields.Boolean()
    status = fields.String(required=True, metadata={"description": "published | draft | unregistered"})
    points = fields.Integer(required=True)
    checklist_completed = fields.Integer(required=True)
    checklist_total = fields.Integer()
    hours = fields.Float()
    avg_satisfaction = fields.Float(allow_none=True, required=True)
    satisfaction_count = fields.Integer()
    abandoned_claims = fields.Integer()
    comment = fields.String(required=True)
    community_id = fields.Integer(allow_none=True)
    community_name = fields.String(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    revision_count = fields.Integer()


class MemberRatingOut(RatingOut):
    revisions = fields.List(fields.Nested(RevisionOut))


class UnitRatingOut(RatingOut):
    phone = fields.String(allow_none=True, metadata={"description": "masked for unit admins"})


class RatingListQuery(PageArgs):
    year = Year()
    level = fields.String(validate=validate.OneOf(LEVEL_ORDER))
    q = text(0, 64, metadata={"description": "part of the name"})
    sort = fields.String(load_default="name", validate=validate.OneOf(
        [*SORTS, *(f"-{s}" for s in SORTS)]), metadata={"description": SORT_DOC})


class UnitListQuery(RatingListQuery):
    community_id = Id()


class UnitRatingsOut(ma.Schema):
    unit_id = fields.Integer(required=True)
    unit_name = fields.String()
    year = fields.Integer(required=True)
    items = fields.List(fields.Nested(UnitRatingOut), required=True)
    total = fields.Integer(required=True)


class CommunityListOut(ma.Schema):
    """A community's ratings for its staff, a page of them (members' here, units' in
    unit_schemas.py; api.community_list answers it)."""

    community_id = fields.Integer(required=True)
    community_name = fields.String()
    year = fields.Integer(required=True)
    total = fields.Integer(required=True)


class CommunityRatingsOut(CommunityListOut):
    is_public = fields.Boolean()
    items = fields.List(fields.Nested(RatingOut), required=True)


class PublishIn(ma.Schema):
    year = Year(required=True)


class PublishOut(ma.Schema):
    community_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    published = fields.Integer(required=True, metadata={"description": "ratings published now"})
    published_total = fields.Integer(required=True)
    published_at = fields.DateTime(required=True)


class PublicityIn(ma.Schema):
    is_public = fields.Boolean(required=True)
    shown_levels = fields.String(load_default=None, validate=validate.OneOf(list(ShownLevels)), metadata={
        "description": "what the 双公示 page shows: all (every level) or qualified_up (合格 and above)"})


class PublicityOut(ma.Schema):
    community_id = fields.Integer(required=True)
    is_public = fields.Boolean(required=True)
    shown_levels = fields.String(required=True)


class LevelSummaryOut(ma.Schema):
    community_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "members listed"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "members per level (as they would be published)"})
    unrated = fields.Integer(required=True)
    low = fields.Integer(required=True, metadata={"description": "基本合格 or below"})
    mostly_low = fields.Boolean(required=True, metadata={
        "description": "most rated members would be 基本合格 or below: check the thresholds"})


class PublicRatingOut(ma.Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    unit_name = fields.String(allow_none=True)
    level = fields.String(required=True)
    level_label = fields.String()
    published_at = fields.DateTime()
    revision_count = fields.Integer()


class PublicRatingsOut(ma.Schema):
    community_id = fields.Integer(required=True)
    community_name = fields.String()
    year = fields.Integer(required=True)
    items = fields.List(fields.Nested(PublicRatingOut), required=True)
    total = fields.Integer(required=True)


class PublicQuery(PageArgs):
    year = Year()


class ThresholdQuery(ma.Schema):
    place_id = Id(required=True)
    year = Year()


class ThresholdItem(ma.Schema):
    level = fields.String(required=True, validate=validate.OneOf(GRADED_LEVELS))
    label = fields.String(dump_only=True)
    min_points = Integer(required=True, validate=validate.Range(min=0, max=100000))
    min_checklist_percent = Integer(required=True, validate=validate.Range(min=0, max=100))
    min_satisfaction = fields.Float(load_default=None, allow_none=True,
                                    validate=validate.Range(min=1, max=5))
    max_abandoned = Integer(load_default=None, allow_none=True,
                            validate=validate.Range(min=0, max=1000))
    min_unit_score = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100),
                                  metadata={"description": "单位评议: the least score (0-100) a unit needs "
                                            "for the level; absent or null: the default (90/80/65/50)"})


class ThresholdsIn(ma.Schema):
    place_id = Id(required=True)
    year = Year(required=True)
    levels = fields.List(fields.Nested(ThresholdItem), required=True,
                         validate=validate.Length(equal=len(GRADED_LEVELS)))


class ThresholdsOut(ma.Schema):
    place_id = fields.Integer(required=True)
    place_name = fields.String()
    year = fields.Integer(required=True)
    is_own = fields.Boolean(metadata={"description": "false: inherited from the district or defaults"})
    levels = fields.List(fields.Nested(ThresholdItem), required=True)


class StatsQuery(ma.Schema):
    place_id = Id(metadata={"description": "community, street or district; default: yours"})
    year = Year()


class StatsFigures(ma.Schema):
    registered = fields.Integer(required=True)
    served = fields.Integer(required=True)
    idle = fields.Integer(required=True)
    idle_rate = fields.Float(allow_none=True)
    idle_now = fields.Integer(allow_none=True, metadata={
        "description": "idle today by the reminder pass's rule (this year only)"})
    orders = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    orders_total = fields.Integer(required=True)
    median_hours_to_complete = fields.Float(allow_none=True)
    avg_satisfaction = fields.Float(allow_none=True)
    satisfaction_count = fields.Integer()
    checklist_full = fields.Integer()
    checklist_full_rate = fields.Float(allow_none=True)
    checklist_avg_percent = fields.Float(allow_none=True)


class StatsChildFigures(StatsFigures):
    place_id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class StatsPlaceOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class StatsOut(ma.Schema):
    place = fields.Nested(StatsPlaceOut, required=True)
    year = fields.Integer(required=True)
    communities = fields.Integer()
    totals = fields.Nested(StatsFigures, required=True)
    children = fields.List(fields.Nested(StatsChildFigures), required=True)
