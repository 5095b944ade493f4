"""Pages for street/district admins and staff: the level thresholds and the statistics."""
from io import BytesIO
from types import SimpleNamespace

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.auth.permissions import roles_required
from app.auth.roles import ADMINS, STAFF_LIKE
from app.errors import DomainError
from app.exports import XLSX_MIME
from app.extensions import db
from app.i18n import N_, label
from app.orders.states import STATUS_LABELS as ORDER_STATUS_LABELS
from app.params import query_id, query_year
from app.places.services import places_in_scope
from app.ratings import charts, statistics, thresholds, trend
from app.ratings import stats_export as stats_export_service
from app.ratings.blueprint import _years, bp
from app.ratings.forms import ThresholdsForm
from app.ratings.models import GRADED_LEVELS

nav.add(N_("评议标准"), "ratings.thresholds_page", ADMINS, order=62)
nav.add(N_("统计"), "ratings.stats_page", STAFF_LIKE, order=70)
# The same words for an order's status as on the dispatch board and the order pages.
ORDER_LABELS = {status.value: label for status, label in ORDER_STATUS_LABELS.items()}


def _threshold_places() -> list:
    return places_in_scope(current_user, "street", "district")


@bp.route("/admin/rating-thresholds", methods=["GET", "POST"])
@roles_required(*ADMINS)
def thresholds_page():
    places = _threshold_places()
    place_id = query_id("place_id", request.values) or (places[0].id if places else None)
    year = query_year(source=request.values)
    form = ThresholdsForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            levels = [{"level": level, **getattr(form, level).data} for level in GRADED_LEVELS]
            try:
                thresholds.set_thresholds(current_user, form.place_id.data, form.year.data, levels)
            except DomainError as err:
                db.session.rollback()
                flash(err.message, "error")
                status = err.status_code
            else:
                flash(_("评议标准已保存"), "success")
                return redirect(url_for("ratings.thresholds_page", place_id=form.place_id.data,
                                        year=form.year.data))
        else:
            status = 422
    if request.method == "POST" and place_id not in {p.id for p in places}:  # show his own place
        place_id = places[0].id if places else None
    current = thresholds.thresholds_config(current_user, place_id, year) if place_id else None
    if current and request.method == "GET":
        form = ThresholdsForm(place_id=place_id, year=year, **{
            item["level"]: SimpleNamespace(**item) for item in current["levels"]})
    return render_template("ratings/thresholds.html", places=places, place_id=place_id, year=year,
                           current=current, form=form, levels=GRADED_LEVELS), status


def _charts(stats: dict, months: list[dict]) -> list:
    """The statistics as SVG bar charts coloured by meaning (the first 60 streets or
    communities; the table has all), and the month-by-month trend."""
    totals, children = stats["totals"], stats["children"][:60]
    orders = [(label(s, ORDER_LABELS), [n]) for s, n in totals["orders"].items()]
    made = [charts.bar_chart(_("点单状态"), orders, (_("点单"),), colors=(charts.NEUTRAL,)),
            charts.bar_chart(_("每月服务的党员"), [(_("%(month)s月", month=m["month"]), [m["served"]])
                                             for m in months], (_("人数"),), colors=(charts.GOOD,))]
    if not children:
        made.insert(0, charts.bar_chart(_("报到与服务"), [
            (_("已报到"), [totals["registered"]]), (_("本年已服务"), [totals["served"]]),
            (_("本年未服务"), [totals["idle"]])], (_("人数"),),
            row_colors=(charts.NEUTRAL, charts.GOOD, charts.BAD)))
        return made

    def pct(v):
        return f"{v:.0f}%"

    def column(key, scale=1):
        return [(c["name"], [None if c[key] is None else scale * c[key]]) for c in children]

    return [
        charts.bar_chart(_("报到与服务人数"), [(c["name"], [c["registered"], c["served"]]) for c in children],
                         (_("已报到"), _("本年已服务")), colors=(charts.NEUTRAL, charts.GOOD)),
        charts.bar_chart(_("未服务率"), column("idle_rate", 100), (_("未服务率"),), max_value=100, fmt=pct,
                         colors=(charts.BAD,)),
        charts.bar_chart(_("群众满意度（1-5）"), column("avg_satisfaction"), (_("满意度"),), max_value=5,
                         fmt=lambda v: f"{v:.2f}", colors=(charts.GOOD,)),
        charts.bar_chart(_("“五个一”平均完成度"), column("checklist_avg_percent"), (_("完成度"),),
                         max_value=100, fmt=pct, colors=(charts.GOOD,)),
        *made,
    ]


@bp.get("/stats")
@roles_required(*STAFF_LIKE)
def stats_page():
    year = query_year()
    stats = statistics.statistics(current_user, query_id("place_id"), year)
    months = trend.monthly(stats["place"], year)
    return render_template("ratings/stats.html", stats=stats, year=year, years=_years(), months=months,
                           charts=_charts(stats, months), places=statistics.viewer_places(current_user),
                           order_labels=ORDER_LABELS)


@bp.get("/stats.xlsx")
@roles_required(*STAFF_LIKE)
def stats_export():
    """The statistics page (and its months) as an .xlsx workbook."""
    year = query_year()
    place, data = stats_export_service.export_statistics(current_user, query_id("place_id"), year)
    return send_file(BytesIO(data), mimetype=XLSX_MIME, as_attachment=True,
                     download_name=f"{place['name']}-{year}.xlsx")
