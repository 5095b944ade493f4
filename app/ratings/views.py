"""Pages: the unit view (unit admins), a member's rating, letters (一信一函), the community's
ratings for staff (publish, 双公示 switch), the 双公示 page, thresholds and statistics."""
from dataclasses import replace
from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.read_cache import cached_read
from app.auth.roles import STAFF_LIKE, UNIT_RATERS
from app.clock import local_today
from app.errors import Forbidden
from app.i18n import N_
from app.pages import submit_form
from app.params import query_id, query_page, query_year
from app.ratings import export, letters, publicity, services
from app.ratings import unit_ratings as unit_rating_services
from app.ratings.blueprint import _years, bp, chosen_community, own_unit_id
from app.ratings.forms import KEEP, PublicityForm, PublishForm, RatingForm
from app.ratings.models import LEVEL_ORDER, SHOWN_LABELS
from app.ratings.rows import SORTS
from app.ratings.rows import STATUS_LABELS as ROW_STATUS_LABELS

PAGE_SIZE = 50
LETTERS_PER_PAGE = 50
nav.add(N_("单位党员评议"), "ratings.unit_home", (Role.UNIT_ADMIN,), order=10)
nav.add(N_("我的评议"), "ratings.my_rating", (Role.MEMBER,), order=13)
nav.add(N_("年度评议"), "ratings.community_page", STAFF_LIKE, order=50)
# A global (not a context processor) so that imported template macros see it too.
bp.record_once(lambda state: state.app.jinja_env.globals.update(RATING_STATUS=ROW_STATUS_LABELS))



def _filters() -> dict:
    level = request.args.get("level")
    sort = request.args.get("sort") or "name"
    return {"level": level if level in LEVEL_ORDER else None,
            "q": (request.args.get("q") or "").strip()[:64] or None,
            "sort": sort if sort.lstrip("-") in SORTS else "name"}


# ---- the unit view ---------------------------------------------------------------------------

@bp.get("/unit/ratings")
@roles_required(Role.UNIT_ADMIN)
@cached_read
def unit_home():
    return _unit_page(own_unit_id())


@bp.get("/units/<int:unit_id>/ratings")
@roles_required(*UNIT_RATERS)
def unit_ratings(unit_id):
    return _unit_page(unit_id)


def _unit_page(unit_id: int):
    year, page, filters = query_year(), query_page(), _filters()
    community_id = query_id("community_id") or None
    unit, rows, total = services.unit_ratings(current_user, unit_id, year, community_id=community_id,
                                              page=page, page_size=PAGE_SIZE, **filters)
    shown = services.phone_shown(current_user)
    rows = [replace(row, phone=shown(row)) for row in rows]
    args = {k: v for k, v in {"year": year, "community_id": community_id, **filters}.items() if v}
    return render_template("ratings/unit.html", unit=unit, rows=rows, total=total, page=page,
                           page_size=PAGE_SIZE, year=year, years=_years(), args=args,
                           community_id=community_id, filters=filters,
                           communities=services.unit_communities(unit.id, year),
                           summary=services.unit_level_summary(current_user, unit.id, year,
                                                                community_id=community_id))


@bp.get("/units/<int:unit_id>/ratings.xlsx")
@roles_required(*UNIT_RATERS)
def unit_export(unit_id):
    year = query_year()
    title = _("%(year)s年度评议", year=year)
    unit, data = services.export_unit_ratings(
        current_user, unit_id, year, title,
        community_id=query_id("community_id") or None, **_filters())
    return send_file(BytesIO(data), mimetype=export.MIME, as_attachment=True,
                     download_name=f"{unit.name}-{title}.xlsx")


# ---- letters (一信一函) ------------------------------------------------------------------------

@bp.get("/units/<int:unit_id>/cover-letter")
@roles_required(*UNIT_RATERS)
def cover_letter(unit_id):
    letter = letters.cover_letter(current_user, unit_id, query_year())
    return render_template("ratings/cover_letter.html", letter=letter, today=local_today())


@bp.get("/units/<int:unit_id>/letters")
@roles_required(*UNIT_RATERS)
def unit_letters(unit_id):
    year, page = query_year(), query_page()
    community_id = query_id("community_id") or None
    unit, rows, total = letters.unit_letters(current_user, unit_id, year, community_id=community_id,
                                             page=page, page_size=LETTERS_PER_PAGE)
    return render_template("ratings/letters.html", unit=unit, rows=rows, total=total, page=page,
                           page_size=LETTERS_PER_PAGE, year=year, community_id=community_id)


@bp.get("/members/<int:member_id>/letter")
@roles_required()
def member_letter(member_id):
    row, member = letters.member_letter(current_user, member_id, query_year())
    return render_template("ratings/letter.html", row=row, member=member, unit=member.unit)


# ---- a member's rating ---------------------------------------------------------------------

@bp.get("/me/rating")
@roles_required(Role.MEMBER)
def my_rating():
    return _member_page(current_user.id, RatingForm())


@bp.route("/members/<int:member_id>/rating", methods=["GET", "POST"])
@roles_required()
def member_page(member_id):
    form = RatingForm()
    if request.method == "POST" and current_user.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以评议"))

    def rate():
        services.set_rating(current_user, member_id, query_year(), comment=form.comment.data,
                            level=form.level.data if form.level.data != KEEP else None)
        flash(_("评议已保存"), "success")
        return redirect(url_for("ratings.member_page", member_id=member_id, year=query_year()))

    return submit_form(form, rate, lambda: _member_page(member_id, form))


def _member_page(member_id: int, form: RatingForm):
    year = query_year()
    row = services.member_rating(current_user, member_id, year)
    can_rate = current_user.role in STAFF_LIKE and current_user.id != member_id
    return render_template("ratings/member.html", row=row, year=year, years=_years(), form=form,
                           revisions=services.revisions(row.rating_id), can_rate=can_rate)


# ---- the community's ratings (staff) ---------------------------------------------------------

@bp.get("/staff/ratings")
@roles_required(*STAFF_LIKE)
def community_page():
    communities, community_id = chosen_community()
    if community_id is None:
        return render_template("ratings/community.html", community=None, communities=communities)
    year, page, filters = query_year(), query_page(), _filters()
    community, rows, total = services.community_ratings(current_user, community_id, year, page=page,
                                                        page_size=PAGE_SIZE, **filters)
    args = {k: v for k, v in {"year": year, "community_id": community.id, **filters}.items() if v}
    return render_template(
        "ratings/community.html", community=community, communities=communities, rows=rows,
        total=total, page=page, page_size=PAGE_SIZE, year=year, years=_years(), args=args,
        filters=filters, is_public=publicity.is_public(community.id),
        summary=services.level_summary(current_user, community.id, year),
        publish_form=PublishForm(community_id=community.id, year=year),
        publicity_form=PublicityForm(community_id=community.id,
                                     shown_levels=publicity.shown_levels(community.id)))


@bp.post("/staff/ratings/publish")
@roles_required(*STAFF_LIKE)
def publish():
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("请检查输入：") + _("；").join(_("%(field)s：%(message)s", field=k, message=v[0])
                                             for k, v in form.errors.items()), "error")
        return redirect(url_for("ratings.community_page"))
    back = url_for("ratings.community_page", community_id=form.community_id.data, year=form.year.data)
    summary = services.level_summary(current_user, form.community_id.data, form.year.data)
    if summary["mostly_low"] and not form.confirm_low.data:
        flash(_("多数党员将被评为基本合格或不合格：请先核对评议标准；确认无误后勾选“仍然公布”再公布。"),
              "error")
        return redirect(back)
    result = services.publish(current_user, form.community_id.data, form.year.data)
    flash(_("已公布 %(n)s 名党员的 %(year)s 年度评议", n=result["published"], year=form.year.data), "success")
    return redirect(url_for("ratings.community_page", community_id=form.community_id.data,
                            year=form.year.data))


@bp.post("/staff/ratings/publicity")
@roles_required(*STAFF_LIKE)
def set_publicity():
    form = PublicityForm()
    if not form.validate_on_submit():
        flash(_("请检查输入"), "error")
        return redirect(url_for("ratings.community_page"))
    row = publicity.set_publicity(current_user, form.community_id.data, form.is_public.data,
                                  form.shown_levels.data or None)
    flash(_("已公开本社区评议结果") if row.is_public else _("已关闭本社区评议公示"), "success")
    return redirect(url_for("ratings.community_page", community_id=row.community_id))


@bp.app_template_global()
def own_public_ratings():
    """The viewer's community whose 双公示 page is on (the homes of residents and members link to it)."""
    return publicity.own_public_community(current_user)


@bp.get("/communities/<int:community_id>/ratings")
@roles_required()
def public_page(community_id):
    """双公示: the community's published ratings, when switched on, for its people."""
    community = publicity.public_community(current_user, community_id)
    year, page = query_year(), query_page()
    items, total = publicity.public_page(community.id, year, page, PAGE_SIZE)
    units, units_total = unit_rating_services.published(year, community_id=community.id, page_size=PAGE_SIZE)
    return render_template("ratings/public.html", community=community, items=items, total=total,
                           page=page, page_size=PAGE_SIZE, year=year, years=_years(), units=units,
                           units_total=units_total,
                           shown=publicity.shown_levels(community.id), shown_labels=SHOWN_LABELS)
