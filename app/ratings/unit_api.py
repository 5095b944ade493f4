"""The API of unit ratings (单位评议, published at both ends) and department performance (绩效评估)."""
from io import BytesIO

from flask import send_file
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.auth.permissions import STAFF_LIKE, roles_required
from app.exports import XLSX_MIME
from app.ratings import performance, performance_export
from app.ratings.unit_schemas import PerformanceOut, PerformanceQuery

blp = Blueprint("unit_ratings_api", __name__, url_prefix="/api/v1",
                description="单位评议 (units rated by communities) and 绩效评估 (department performance)")
XLSX_DOC = {"responses": {"200": {"description": "the workbook: a row per unit, then per category",
                                  "content": {XLSX_MIME: {"schema": {"type": "string", "format": "binary"}}}}}}


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
    return send_file(BytesIO(data), mimetype=XLSX_MIME, as_attachment=True,
                     download_name=f"{name}-{args['year']}-绩效评估.xlsx")
