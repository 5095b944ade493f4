"""Pages of unit ratings (单位评议: staff rate the units serving their community, the unit reads
its ratings) and department performance (绩效评估, with charts and an xlsx export)."""
from io import BytesIO

from flask import render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.auth.permissions import STAFF_LIKE, roles_required
from app.exports import XLSX_MIME
from app.i18n import N_, label
from app.orders.models import CATEGORIES
from app.params import query_id, query_page, query_year
from app.ratings import charts, performance, performance_export, statistics
from app.ratings.blueprint import _years, bp

PERFORMANCE_PAGE = 100
CHART_UNITS = 30
nav.add(N_("单位绩效"), "ratings.performance_page", STAFF_LIKE, order=71)


def _performance_charts(perf: dict) -> list:
    """The best CHART_UNITS units' score, on-time rate and satisfaction, and the needs per
    category (the tables have every unit)."""
    ranked = [u for u in perf["units"] if u["rank"] is not None][:CHART_UNITS]

    def pct(v):
        return f"{v:.0f}%"

    def column(key, scale=1):
        return [(u["name"], [None if u[key] is None else scale * u[key]]) for u in ranked]

    return [
        charts.bar_chart(_("综合得分（前%(n)s名）", n=CHART_UNITS), column("score"), (_("得分"),),
                         max_value=100, fmt=lambda v: f"{v:.1f}"),
        charts.bar_chart(_("按时办结率"), column("on_time_rate", 100), (_("按时办结率"),), max_value=100, fmt=pct),
        charts.bar_chart(_("群众满意度（1-5）"), column("satisfaction"), (_("满意度"),), max_value=5,
                         fmt=lambda v: f"{v:.2f}"),
        charts.bar_chart(_("各类别需求"), [(label(c["category"], CATEGORIES), [c["received"], c["accepted"]])
                                      for c in perf["categories"]], (_("接收需求"), _("接单"))),
    ]


@bp.get("/stats/units")
@roles_required(*STAFF_LIKE)
def performance_page():
    year, page = query_year(), query_page()
    perf = performance.unit_performance(current_user, query_id("place_id"), year)
    units = perf["units"][(page - 1) * PERFORMANCE_PAGE: page * PERFORMANCE_PAGE]
    return render_template("ratings/performance.html", perf=perf, units=units, page=page,
                           page_size=PERFORMANCE_PAGE, year=year, years=_years(),
                           charts=_performance_charts(perf), categories=CATEGORIES,
                           places=statistics.viewer_places(current_user))


@bp.get("/stats/units.xlsx")
@roles_required(*STAFF_LIKE)
def performance_xlsx():
    year = query_year()
    name, data = performance_export.workbook(current_user, query_id("place_id"), year)
    return send_file(BytesIO(data), mimetype=XLSX_MIME, as_attachment=True,
                     download_name=f"{name}-{year}-{_('绩效评估')}.xlsx")
