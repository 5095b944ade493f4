"""The statistics page as an .xlsx workbook (through app.exports): a title row, the place's
figures and each street's or community's, then the month-by-month trend; audited."""
from __future__ import annotations

from flask_babel import gettext

from app.audit.services import record
from app.auth.models import User
from app.exports import XlsxSheet
from app.extensions import db
from app.i18n import N_
from app.places.models import Place
from app.ratings import statistics, trend

COLUMNS = ((N_("名称"), 18), (N_("已报到"), 9), (N_("已服务"), 9), (N_("未服务率"), 10), (N_("点单"), 8),
           (N_("已评价"), 8), (N_("办结中位数(时)"), 14), (N_("满意度"), 8), (N_("五个一全部完成"), 14),
           (N_("五个一平均完成度"), 16))
MONTH_COLUMNS = (N_("月份"), N_("服务党员"), N_("新点单"), N_("办结点单"))


def _percent(value, scale: float = 100) -> str | None:
    return None if value is None else f"{scale * value:.1f}%"


def _row(name: str, figures: dict) -> list:
    satisfaction = figures["avg_satisfaction"]
    return [name, figures["registered"], figures["served"], _percent(figures["idle_rate"]),
            figures["orders_total"], figures["orders"].get("closed", 0), figures["median_hours_to_complete"],
            round(satisfaction, 2) if satisfaction is not None else None, figures["checklist_full"],
            _percent(figures["checklist_avg_percent"], 1)]


def export_statistics(viewer: User, place_id: int | None, year: int) -> tuple[dict, bytes]:
    """(the place, the workbook) of the statistics page; the export is audited."""
    stats = statistics.statistics(viewer, place_id, year)
    place = stats["place"]
    title = gettext("%(place)s %(year)s 年度统计", place=place["name"], year=year)
    sheet = XlsxSheet(gettext("统计"), [width for _, width in COLUMNS])
    sheet.header((gettext(name) for name, _ in COLUMNS), title=title)
    sheet.append(_row(gettext("合计"), stats["totals"]))
    for child in stats["children"]:
        sheet.append(_row(child["name"], child))
    sheet.append([])
    sheet.append([gettext(name) for name in MONTH_COLUMNS])
    for month in trend.monthly(place, year):
        sheet.append([gettext("%(month)s月", month=month["month"]), month["served"], month["placed"],
                      month["completed"]])
    record(viewer, "statistics.export", db.session.get(Place, place["id"]), {"year": year})
    return place, sheet.to_bytes()
