"""Ratings (双评议), the unit view and its export, publication, 双公示, thresholds, statistics."""
from dataclasses import asdict, replace
from io import BytesIO

from flask import send_file
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.auth.permissions import roles_required
from app.auth.roles import ADMINS, STAFF_LIKE, UNIT_RATERS
from app.ratings import export, publicity, services, statistics, stats_export, thresholds
from app.ratings.schemas import (
    CommunityRatingsOut,
    LevelSummaryOut,
    MemberRatingOut,
    PublicityIn,
    PublicityOut,
    PublicQuery,
    PublicRatingsOut,
    PublishIn,
    PublishOut,
    RatingIn,
    RatingListQuery,
    RatingYearQuery,
    StatsOut,
    StatsQuery,
    ThresholdQuery,
    ThresholdsIn,
    ThresholdsOut,
    UnitListQuery,
    UnitRatingsOut,
)

blp = Blueprint("ratings_api", __name__, url_prefix="/api/v1",
                description="双评议: ratings, the unit view and export, 双公示, thresholds, statistics")
XLSX_DOC = {"responses": {"200": {"description": "the workbook, a row per member", "content": {
    export.MIME: {"schema": {"type": "string", "format": "binary"}}}}}}



def rating_out(row, **extra) -> dict:
    """A member's or a unit's rating row (RatingRow, UnitRatingRow) as the API answers it;
    unit_api.py answers through it too."""
    return {**asdict(row), "level_label": row.level_label, "is_override": row.is_override, **extra}


def community_list(community, year: int, items: list, total: int, **extra) -> dict:
    """A community's ratings (its members', its units') for staff: the page and its total."""
    return {"community_id": community.id, "community_name": community.name, "year": year,
            "items": items, "total": total, **extra}


def _member_out(row) -> dict:
    return rating_out(row, revisions=services.revisions(row.rating_id))


@blp.route("/members/<int:member_id>/rating", methods=["GET"])
@blp.arguments(RatingYearQuery, location="query")
@blp.response(200, MemberRatingOut)
@documents_errors(blp, 401, 404)
@roles_required()
def get_rating(args, member_id):
    """The member, his community's staff and his unit's admin (others: 404). Before
    publication the level is the draft (computed from the thresholds, or staff's choice)."""
    return _member_out(services.member_rating(current_user, member_id, args["year"]))


@blp.route("/members/<int:member_id>/rating", methods=["PUT"])
@blp.arguments(RatingIn)
@blp.arguments(RatingYearQuery, location="query")
@blp.response(200, MemberRatingOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def put_rating(data, args, member_id):
    """Staff over the member's community set the level (optional) with a required comment;
    after publication this appends a revision (the published values stay)."""
    row = services.set_rating(current_user, member_id, args["year"], level=data["level"],
                              comment=data["comment"])
    out = _member_out(row)
    return out


def _unit_rows(args, page_size):
    return services.unit_ratings(current_user, args["unit_id"], args["year"],
                                 community_id=args.get("community_id"), level=args.get("level"),
                                 q=args.get("q"), sort=args.get("sort"), page=args.get("page", 1),
                                 page_size=page_size)


@blp.route("/units/<int:unit_id>/ratings", methods=["GET"])
@blp.arguments(UnitListQuery, location="query")
@blp.response(200, UnitRatingsOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*UNIT_RATERS)
def unit_ratings(args, unit_id):
    """Every member of the unit (in any community) with rating, points, 五个一, hours,
    satisfaction and comment; filters community_id, level, q; sort; paged. Unit admins only
    see their own unit (another: 403)."""
    unit, rows, total = _unit_rows({**args, "unit_id": unit_id}, args["page_size"])
    shown = services.phone_shown(current_user)
    return {"unit_id": unit.id, "unit_name": unit.name, "year": args["year"], "total": total,
            "items": [replace(row, phone=shown(row)) for row in rows]}


@blp.route("/units/<int:unit_id>/ratings.xlsx", methods=["GET"])
@blp.arguments(UnitListQuery, location="query")
@blp.doc(**XLSX_DOC)
@documents_errors(blp, 401, 403, 404)
@roles_required(*UNIT_RATERS)
def unit_ratings_xlsx(args, unit_id):
    """The same columns as an .xlsx workbook, a row per member (filters apply; no paging)."""
    year = args["year"]
    unit, data = services.export_unit_ratings(
        current_user, unit_id, year, f"{year}年度评议", community_id=args.get("community_id"),
        level=args.get("level"), q=args.get("q"), sort=args.get("sort"))
    return send_file(BytesIO(data), mimetype=export.MIME, as_attachment=True,
                     download_name=f"{unit.name}-{year}年度评议.xlsx")


@blp.route("/communities/<int:community_id>/ratings", methods=["GET"])
@blp.arguments(RatingListQuery, location="query")
@blp.response(200, CommunityRatingsOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def community_ratings(args, community_id):
    """Staff: the community's members (and those it published) with their ratings."""
    community, rows, total = services.community_ratings(
        current_user, community_id, args["year"], level=args.get("level"), q=args.get("q"),
        sort=args.get("sort"), page=args["page"], page_size=args["page_size"])
    return community_list(community, args["year"], rows, total, is_public=publicity.is_public(community.id))


@blp.route("/communities/<int:community_id>/ratings/publish", methods=["POST"])
@blp.arguments(PublishIn)
@blp.response(200, PublishOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def publish(data, community_id):
    """Publishes (freezes) the year's ratings of the community's members not yet published."""
    result = services.publish(current_user, community_id, data["year"])
    return result


@blp.route("/communities/<int:community_id>/ratings/summary", methods=["GET"])
@blp.arguments(RatingYearQuery, location="query")
@blp.response(200, LevelSummaryOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def level_summary(args, community_id):
    """Before publishing: the community's members by level as they would be published, and
    `mostly_low` when most of them would be 基本合格 or below."""
    return services.level_summary(current_user, community_id, args["year"])


@blp.route("/communities/<int:community_id>/ratings/publicity", methods=["GET"])
@blp.response(200, PublicityOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def get_publicity(community_id):
    return publicity.publicity(current_user, community_id)


@blp.route("/communities/<int:community_id>/ratings/publicity", methods=["PUT"])
@blp.arguments(PublicityIn)
@blp.response(200, PublicityOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def put_publicity(data, community_id):
    """双公示 on or off for the community's published ratings page (audited)."""
    return publicity.set_publicity(current_user, community_id, data["is_public"], data["shown_levels"])


@blp.route("/communities/<int:community_id>/public-ratings", methods=["GET"])
@blp.arguments(PublicQuery, location="query")
@blp.response(200, PublicRatingsOut)
@documents_errors(blp, 401, 404)
@roles_required()
def public_ratings(args, community_id):
    """双公示: the community's published ratings (name, unit, level), when switched on, for
    its residents, its registered members and the staff over it; otherwise 404."""
    community = publicity.public_community(current_user, community_id)
    items, total = publicity.public_page(community.id, args["year"], args["page"], args["page_size"])
    return {"community_id": community.id, "community_name": community.name, "year": args["year"],
            "total": total, "items": items}


@blp.route("/rating-thresholds", methods=["GET"])
@blp.arguments(ThresholdQuery, location="query")
@blp.response(200, ThresholdsOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*ADMINS)
def get_thresholds(args):
    """The thresholds in force for a street or district and year (own, inherited or default)."""
    return thresholds.thresholds_config(current_user, args["place_id"], args["year"])


@blp.route("/rating-thresholds", methods=["PUT"])
@blp.arguments(ThresholdsIn)
@blp.response(200, ThresholdsOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*ADMINS)
def put_thresholds(data):
    """Street/district admins replace their place's thresholds for a year (audited); a better
    level may never ask less than a worse one."""
    thresholds.set_thresholds(current_user, data["place_id"], data["year"], data["levels"])
    result = thresholds.thresholds_config(current_user, data["place_id"], data["year"])
    return result


@blp.route("/statistics", methods=["GET"])
@blp.arguments(StatsQuery, location="query")
@blp.response(200, StatsOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def get_statistics(args):
    """A community, street or district (in the caller's scope) and each street/community
    below it: registered vs served, idle rate, orders by status, median hours to complete,
    satisfaction, 五个一 completion."""
    return statistics.statistics(current_user, args.get("place_id"), args["year"])


@blp.route("/statistics.xlsx", methods=["GET"])
@blp.arguments(StatsQuery, location="query")
@blp.doc(responses={"200": {"description": "the statistics and the months, as a workbook", "content": {
    export.MIME: {"schema": {"type": "string", "format": "binary"}}}}})
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def statistics_xlsx(args):
    """GET /statistics as an .xlsx workbook (a title row, the place and each street/community,
    the month-by-month trend); audited."""
    place, data = stats_export.export_statistics(current_user, args.get("place_id"), args["year"])
    return send_file(BytesIO(data), mimetype=export.MIME, as_attachment=True,
                     download_name=f"{place['name']}-{args['year']}.xlsx")
