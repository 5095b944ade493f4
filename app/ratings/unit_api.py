"""The API of unit ratings (单位评议, published at both ends) and department performance (绩效评估)."""

from io import BytesIO

from flask import send_file
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import PageArgs, documents_errors
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import STAFF_LIKE, UNIT_OR_SYSTEM_ADMIN
from app.exports import XLSX_MIME
from app.ratings import performance, performance_export, publicity, unit_ratings
from app.ratings.api import community_list, rating_out
from app.ratings.schemas import PublicQuery, PublishIn, PublishOut, RatingYearQuery
from app.ratings.unit_schemas import (
    PerformanceOut,
    PerformanceQuery,
    PublicUnitRatingsOut,
    UnitCommunityRatingOut,
    UnitRatingIn,
    UnitRatingListOut,
    UnitRatingQuery,
)

blp = Blueprint(
    "unit_ratings_api",
    __name__,
    url_prefix="/api/v1",
    description="单位评议 (units rated by communities) and 绩效评估 (department performance)",
)
XLSX_DOC = {
    "responses": {
        "200": {
            "description": "the workbook: a row per unit, then per category",
            "content": {XLSX_MIME: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@blp.route("/statistics/units", methods=["GET"])
@blp.arguments(PerformanceQuery, location="query")
@blp.response(200, PerformanceOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def unit_statistics(args):
    """Per unit serving in the place (community, street or district within the caller's scope)
    and per category: needs received, accepted, declined, first response, on-time rate,
    reopened rate, satisfaction, score and rank."""
    return performance.unit_performance(current_user, args.get("place_id"), args["year"])


@blp.route("/statistics/units.xlsx", methods=["GET"])
@blp.arguments(PerformanceQuery, location="query")
@blp.doc(**XLSX_DOC)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def unit_statistics_xlsx(args):
    """The same figures as an .xlsx workbook (audited)."""
    name, data = performance_export.workbook(current_user, args.get("place_id"), args["year"])
    return send_file(
        BytesIO(data),
        mimetype=XLSX_MIME,
        as_attachment=True,
        download_name=f"{name}-{args['year']}-绩效评估.xlsx",
    )


@blp.route("/units/<int:unit_id>/community-ratings", methods=["GET"])
@blp.arguments(UnitRatingQuery, location="query")
@blp.response(200, UnitCommunityRatingOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE, Role.UNIT_ADMIN)
def get_unit_rating(args, unit_id):
    """A unit's rating by a community for a year: staff over that community and the unit's
    admin. Before publication the level is the draft (suggested from the figures, or staff's
    choice) and the figures are live; after it, the published snapshot and the revisions."""
    return rating_out(unit_ratings.unit_rating(current_user, unit_id, args["community_id"], args["year"]))


@blp.route("/units/<int:unit_id>/community-ratings", methods=["PUT"])
@blp.arguments(UnitRatingIn)
@blp.arguments(UnitRatingQuery, location="query")
@blp.response(200, UnitCommunityRatingOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def put_unit_rating(data, args, unit_id):
    """Staff of that community set the level (optional: else the suggested one) with a required
    comment; after publication this appends a revision (the published values stay)."""
    row = unit_ratings.set_unit_rating(
        current_user,
        unit_id,
        args["community_id"],
        args["year"],
        level=data["level"],
        comment=data["comment"],
    )
    return rating_out(row)


class _ListQuery(PageArgs, RatingYearQuery):
    pass


@blp.route("/communities/<int:community_id>/unit-ratings", methods=["GET"])
@blp.arguments(_ListQuery, location="query")
@blp.response(200, UnitRatingListOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def community_unit_ratings(args, community_id):
    """Staff: every unit serving the community (reported to it, or rated by it) with its rating."""
    community, rows, total = unit_ratings.community_unit_ratings(
        current_user, community_id, args["year"], args["page"], args["page_size"]
    )
    return community_list(community, args["year"], [rating_out(r) for r in rows], total)


@blp.route("/communities/<int:community_id>/unit-ratings/publish", methods=["POST"])
@blp.arguments(PublishIn)
@blp.response(200, PublishOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def publish_unit_ratings(data, community_id):
    """Publishes (freezes) the year's ratings of the units serving the community not yet published."""
    return unit_ratings.publish_unit_ratings(current_user, community_id, data["year"])


@blp.route("/units/<int:unit_id>/published-ratings", methods=["GET"])
@blp.arguments(PublicQuery, location="query")
@blp.response(200, PublicUnitRatingsOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*UNIT_OR_SYSTEM_ADMIN)
def unit_published(args, unit_id):
    """双公示 at the unit: its ratings published by the communities it serves (its own admin)."""
    _unit, items, total = unit_ratings.unit_published(
        current_user, unit_id, args["year"], args["page"], args["page_size"]
    )
    return {"year": args["year"], "items": items, "total": total}


@blp.route("/communities/<int:community_id>/public-unit-ratings", methods=["GET"])
@blp.arguments(PublicQuery, location="query")
@blp.response(200, PublicUnitRatingsOut)
@documents_errors(blp, 401, 404)
@roles_required()
def public_unit_ratings(args, community_id):
    """双公示 at the community: the units it rated (name, level), when its 双公示 page is switched
    on, for the people of the community and the staff over it; otherwise 404."""
    community = publicity.public_community(current_user, community_id)
    items, total = unit_ratings.published(
        args["year"], community_id=community.id, page=args["page"], page_size=args["page_size"]
    )
    return {"year": args["year"], "items": items, "total": total}
