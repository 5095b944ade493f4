"""Pages of unit ratings (单位评议: staff rate the units serving their community, the unit reads
its ratings) and department performance (绩效评估, with charts and an xlsx export)."""

from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import STAFF_LIKE, UNIT_OR_SYSTEM_ADMIN
from app.errors import Forbidden
from app.exports import XLSX_MIME
from app.extensions import db
from app.i18n import N_, label
from app.orders.models import CATEGORIES
from app.pages import submit_form
from app.params import query_id, query_page, query_year
from app.places.models import Place
from app.ratings import charts, performance, performance_export, statistics, unit_ratings
from app.ratings.blueprint import _years, bp, chosen_community, own_unit_id
from app.ratings.forms import KEEP, PublishForm, RatingForm

PERFORMANCE_PAGE = 100
UNIT_PAGE = 50
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
        charts.bar_chart(
            _("综合得分（前%(n)s名）", n=CHART_UNITS),
            column("score"),
            (_("得分"),),
            max_value=100,
            fmt=lambda v: f"{v:.1f}",
        ),
        charts.bar_chart(
            _("按时办结率"), column("on_time_rate", 100), (_("按时办结率"),), max_value=100, fmt=pct
        ),
        charts.bar_chart(
            _("群众满意度（1-5）"),
            column("satisfaction"),
            (_("满意度"),),
            max_value=5,
            fmt=lambda v: f"{v:.2f}",
        ),
        charts.bar_chart(
            _("各类别需求"),
            [(label(c["category"], CATEGORIES), [c["received"], c["accepted"]]) for c in perf["categories"]],
            (_("接收需求"), _("接单")),
        ),
    ]


@bp.get("/stats/units")
@roles_required(*STAFF_LIKE)
def performance_page():
    year, page = query_year(), query_page()
    perf = performance.unit_performance(current_user, query_id("place_id"), year)
    units = perf["units"][(page - 1) * PERFORMANCE_PAGE : page * PERFORMANCE_PAGE]
    return render_template(
        "ratings/performance.html",
        perf=perf,
        units=units,
        page=page,
        page_size=PERFORMANCE_PAGE,
        year=year,
        years=_years(),
        charts=_performance_charts(perf),
        categories=CATEGORIES,
        places=statistics.viewer_places(current_user),
    )


@bp.get("/stats/units.xlsx")
@roles_required(*STAFF_LIKE)
def performance_xlsx():
    year = query_year()
    name, data = performance_export.workbook(current_user, query_id("place_id"), year)
    return send_file(
        BytesIO(data),
        mimetype=XLSX_MIME,
        as_attachment=True,
        download_name=f"{name}-{year}-{_('绩效评估')}.xlsx",
    )


# ---- unit ratings ---------------------------------------------------------------------------

nav.add(N_("单位评议"), "ratings.community_units_page", STAFF_LIKE, order=51)
nav.add(N_("社区对本单位的评议"), "ratings.unit_published_home", (Role.UNIT_ADMIN,), order=11)


@bp.get("/staff/unit-ratings")
@roles_required(*STAFF_LIKE)
def community_units_page():
    """Staff: the units serving the community with their ratings; publish the year's."""
    communities, community_id = chosen_community()
    if community_id is None:
        return render_template("ratings/unit_ratings.html", community=None, communities=communities)
    year, page = query_year(), query_page()
    community, rows, total = unit_ratings.community_unit_ratings(
        current_user, community_id, year, page, UNIT_PAGE
    )
    return render_template(
        "ratings/unit_ratings.html",
        community=community,
        communities=communities,
        rows=rows,
        total=total,
        page=page,
        page_size=UNIT_PAGE,
        year=year,
        years=_years(),
        publish_form=PublishForm(community_id=community.id, year=year),
    )


@bp.post("/staff/unit-ratings/publish")
@roles_required(*STAFF_LIKE)
def publish_units():
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("请检查输入"), "error")
        return redirect(url_for("ratings.community_units_page"))
    result = unit_ratings.publish_unit_ratings(current_user, form.community_id.data, form.year.data)
    flash(_("已公布 %(n)s 个单位的 %(year)s 年度评议", n=result["published"], year=form.year.data), "success")
    return redirect(
        url_for("ratings.community_units_page", community_id=form.community_id.data, year=form.year.data)
    )


@bp.route("/units/<int:unit_id>/community-ratings", methods=["GET", "POST"])
@roles_required(*STAFF_LIKE, Role.UNIT_ADMIN)
def unit_rating_page(unit_id):
    """One unit's rating by one community: figures, level, comment, revisions; staff of the
    community rate here (the unit's admin reads)."""
    year, community_id = query_year(), query_id("community_id")
    form = RatingForm()
    if request.method == "POST" and current_user.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以评议单位"))

    def rate():
        unit_ratings.set_unit_rating(
            current_user,
            unit_id,
            community_id,
            year,
            comment=form.comment.data,
            level=form.level.data if form.level.data != KEEP else None,
        )
        flash(_("评议已保存"), "success")
        return redirect(
            url_for("ratings.unit_rating_page", unit_id=unit_id, community_id=community_id, year=year)
        )

    def render():
        row = unit_ratings.unit_rating(current_user, unit_id, community_id, year)
        return render_template(
            "ratings/unit_rating.html",
            row=row,
            year=year,
            years=_years(),
            form=form,
            can_rate=unit_ratings.can_rate(current_user, db.session.get(Place, row.community_id)),
        )

    return submit_form(form, rate, render)


@bp.get("/unit/community-ratings")
@roles_required(Role.UNIT_ADMIN)
def unit_published_home():
    return unit_published_page(own_unit_id())


@bp.get("/units/<int:unit_id>/published-ratings")
@roles_required(*UNIT_OR_SYSTEM_ADMIN)
def unit_published_page(unit_id):
    """双公示 at the unit: its ratings published by the communities it serves."""
    year, page = query_year(), query_page()
    unit, items, total = unit_ratings.unit_published(current_user, unit_id, year, page, UNIT_PAGE)
    return render_template(
        "ratings/unit_published.html",
        unit=unit,
        items=items,
        total=total,
        page=page,
        page_size=UNIT_PAGE,
        year=year,
        years=_years(),
    )
