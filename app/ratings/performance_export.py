"""Department performance as an .xlsx workbook (app.exports): a row per unit, then a row per
category, the columns of the page. Headers in the reader's language."""

from __future__ import annotations

from flask_babel import gettext

from app.audit.services import record
from app.auth.models import User
from app.exports import XlsxSheet
from app.extensions import db
from app.i18n import N_, label
from app.orders.models import CATEGORIES
from app.places.models import Place
from app.ratings.performance import unit_performance

FIGURE_COLUMNS = (
    (N_("接收需求"), "received", 10),
    (N_("接单"), "accepted", 8),
    (N_("退单"), "declined", 8),
    (N_("接单率"), "acceptance_rate", 10),
    (N_("首次响应（小时）"), "first_response_hours", 14),
    (N_("按时办结率"), "on_time_rate", 12),
    (N_("重新办理率"), "reopened_rate", 12),
    (N_("满意度"), "satisfaction", 8),
    (N_("评价次数"), "satisfaction_count", 8),
    (N_("综合得分"), "score", 10),
)


def workbook(viewer: User, place_id: int | None, year: int) -> tuple[str, bytes]:
    """(the place's name, the workbook); audited, like every export."""
    result = unit_performance(viewer, place_id, year)
    sheet = XlsxSheet(
        gettext("%(year)s年度绩效评估", year=year), [8, 28] + [width for _, _, width in FIGURE_COLUMNS]
    )
    sheet.header([gettext("排名"), gettext("单位")] + [gettext(name) for name, _, _ in FIGURE_COLUMNS])
    for row in result["units"]:
        sheet.append([row["rank"], row["name"]] + [row[key] for _, key, _ in FIGURE_COLUMNS])
    sheet.append([])
    sheet.append([None, gettext("按类别")])
    for row in result["categories"]:
        sheet.append([None, label(row["category"], CATEGORIES)] + [row[key] for _, key, _ in FIGURE_COLUMNS])
    place = db.session.get(Place, result["place"]["id"])
    record(viewer, "performance.export", place, {"year": year, "units": len(result["units"])})
    return place.name, sheet.to_bytes()
