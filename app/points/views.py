"""Pages: my points and checklist, leaderboards, 服务标兵, staff adjustments, scoring rules and
the year's checklist for street/district admins."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.auth.models import Role, User
from app.auth.permissions import require_view_member, roles_required
from app.auth.roles import ADMINS, BOARD_ROLES, STAFF_LIKE
from app.clock import this_year
from app.errors import DomainError
from app.extensions import db
from app.i18n import N_
from app.params import query_id, query_page, query_year, require_id
from app.places.services import first_place_in_scope, places_in_scope
from app.points import config, services
from app.points.checklist import DEFAULT_ITEMS, ITEM_TITLES, checklist_for, completion_for
from app.points.forms import AdjustmentForm, RuleForm
from app.points.leaderboard import SCOPES, default_scope_id, leaderboard, rank_of
from app.registrations.services import members_by_community

bp = Blueprint("points", __name__)
nav.add(N_("我的积分"), "points.my_points", (Role.MEMBER,), order=12)
nav.add(N_("积分排行"), "points.board", BOARD_ROLES, order=40)
nav.add(N_("服务标兵"), "points.exemplars", BOARD_ROLES, order=41)
nav.add(N_("积分调整"), "points.adjust_page", STAFF_LIKE, order=45)
nav.add(N_("积分规则"), "points.rules", ADMINS, order=60)
nav.add(N_("五个一清单"), "points.checklist_config", ADMINS, order=61)
BOARD_PAGE = 50
SCOPE_LABELS = {"community": N_("社区"), "street": N_("街道"), "unit": N_("单位")}
bp.record_once(lambda state: state.app.jinja_env.globals.update(  # also seen by included templates
    SCOPE_LABELS=SCOPE_LABELS, RULE_TITLES=config.RULE_TITLES, CHECKLIST_TITLES=ITEM_TITLES,
    CHECKLIST_DEFAULT_TITLES=frozenset(ITEM_TITLES.values())))


@bp.app_template_global()
def points_summary(member_id: int) -> dict:
    """This year's points, 五个一 completion and community rank for the member home."""
    year = this_year()
    completed, total = completion_for([member_id], year)[member_id]
    community_id = default_scope_id(current_user, "community") if current_user.id == member_id else None
    rank = rank_of("community", community_id, year, member_id) if community_id else None
    return {"year": year, "points": services.total_for(member_id, year), "completed": completed,
            "items": total, "rank": rank["rank"] if rank else None}


def _points_page(member):
    year, page = query_year(), query_page()
    community_id = default_scope_id(member, "community")
    rank = rank_of("community", community_id, year, member.id) if community_id else None
    return render_template("points/my_points.html", year=year, page=page, rank=rank, member=member,
                           checklist=checklist_for(member.id, year),
                           ledger=services.entries_page(member.id, year, page, 20))


@bp.get("/me/points")
@roles_required(Role.MEMBER)
def my_points():
    return _points_page(current_user)


@bp.get("/members/<int:member_id>/points")
@roles_required()
def member_points(member_id):
    """A member's points, checklist and history for his staff and unit admin (404 otherwise)."""
    return _points_page(require_view_member(current_user, require_id(member_id, "member")))


DEFAULT_SCOPE = {Role.MEMBER: "community", Role.STAFF: "community", Role.UNIT_ADMIN: "unit",
                 Role.STREET_ADMIN: "street", Role.ADMIN: "street"}
# The boards each role may open (the tabs of the page; leaderboard.resolve_scope decides):
# staff see their community only, unit admins their unit, admins have no unit of their own.
BOARD_SCOPES = {Role.MEMBER: SCOPES, Role.STAFF: ("community",), Role.UNIT_ADMIN: ("unit",),
                Role.STREET_ADMIN: ("community", "street"), Role.ADMIN: ("community", "street")}


def _scope_id_for(scope: str) -> int | None:
    """The board the viewer asked for, else his own, else the first one inside his scope."""
    asked = query_id("scope_id")
    if asked or scope == "unit":
        return asked or default_scope_id(current_user, scope)
    own = default_scope_id(current_user, scope)
    if own is not None or current_user.role not in ADMINS:
        return own
    return first_place_in_scope(current_user, scope)


def _boards(scope: str) -> list:
    """The boards a street/district admin or admin may switch between."""
    if current_user.role not in ADMINS or scope == "unit":
        return []
    return places_in_scope(current_user, scope, limit=200)


@bp.get("/leaderboard")
@roles_required(*BOARD_ROLES)
def board():
    scopes = BOARD_SCOPES.get(current_user.role, SCOPES)
    scope = request.args.get("scope") or DEFAULT_SCOPE.get(current_user.role, "community")
    scope = scope if scope in SCOPES else scopes[0]  # a board outside his tabs: the service answers
    year = query_year()
    scope_id = _scope_id_for(scope)
    page = query_page()
    result = None
    if scope_id:  # one row more than a page tells whether there is a next page, without a count
        result = leaderboard(current_user, scope, scope_id, year, BOARD_PAGE + 1, (page - 1) * BOARD_PAGE)
    has_next = bool(result) and len(result["items"]) > BOARD_PAGE
    if result:
        result["items"] = result["items"][:BOARD_PAGE]
    return render_template("points/leaderboard.html", board=result, scopes=scopes, scope=scope,
                           labels=SCOPE_LABELS, year=year, boards=_boards(scope), page=page,
                           has_next=has_next)


@bp.get("/exemplars")
@roles_required(*BOARD_ROLES)
def exemplars():
    """服务标兵: the top ten of the viewer's street (members, admins), community (staff)
    or unit (unit admins)."""
    scope = {Role.STAFF: "community", Role.UNIT_ADMIN: "unit"}.get(current_user.role, "street")
    year = query_year()
    scope_id = _scope_id_for(scope)
    board = leaderboard(current_user, scope, scope_id, year, 10) if scope_id else None
    return render_template("points/exemplars.html", board=board, year=year,
                           scope=scope)


@bp.route("/staff/points/adjust", methods=["GET", "POST"])
@roles_required(*STAFF_LIKE)
def adjust_page():
    """A correction for one member: reached from his points page (his name shown), or picked by
    name among the members of the staff's community."""
    asked = query_id("member_id")
    member = require_view_member(current_user, require_id(asked, "member")) if asked else None
    form = AdjustmentForm(member_id=asked)
    if form.validate_on_submit():
        if form.points.data == 0:
            flash(_("调整分值不能为 0"), "error")
        else:
            entry = services.adjust(current_user, form.member_id.data, form.points.data, form.reason.data,
                                    request_key=form.request_key.data or None)
            name = db.session.get(User, entry.member_id).name
            flash(_("已为 %(name)s 调整 %(points)s 分", name=name, points=f"{entry.points:+d}"), "success")
            return redirect(url_for("points.member_points", member_id=entry.member_id))
    community_id = default_scope_id(current_user, "community") if member is None else None
    members = members_by_community([community_id])[community_id] if community_id else []
    return render_template("points/adjust.html", form=form, member=member, members=members)


@bp.get("/admin/scoring-rules")
@roles_required(*ADMINS)
def rules():
    items = config.list_rules()
    forms = {r.key: RuleForm(prefix=r.key, obj=r, cap_period=r.cap_period or "") for r in items}
    return render_template("points/rules.html", rules=items, forms=forms,
                           can_edit=config.can_edit_rules(current_user))


@bp.post("/admin/scoring-rules/<key>")
@roles_required(*ADMINS)
def update_rule(key):
    form = RuleForm(prefix=key)
    if not form.validate_on_submit():
        flash(_("请检查输入：%(errors)s", errors=_("；").join(
            f"{form[k].label.text}: {v[0]}" for k, v in form.errors.items())), "error")
        return redirect(url_for("points.rules"))
    config.update_rule(current_user, key[:40], {
        "title": form.title.data, "points": form.points.data, "per_hour": form.per_hour.data,
        "cap_period": form.cap_period.data or None, "cap_points": form.cap_points.data,
        "is_active": form.is_active.data})
    flash(_("积分规则已更新"), "success")
    return redirect(url_for("points.rules"))


def _admin_places():
    return places_in_scope(current_user, "street", "district")


@bp.route("/admin/checklist", methods=["GET", "POST"])
@roles_required(*ADMINS)
def checklist_config():
    places = _admin_places()
    place_id = query_id("place_id", request.values) or (places[0].id if places else None)
    year = query_year(source=request.values)
    if request.method == "POST" and place_id:
        items = [{"key": key, "title": request.form.get(f"title_{key}") or title,
                  "required": max(1, min(50, request.form.get(f"required_{key}", 1, type=int) or 1))}
                 for key, title in DEFAULT_ITEMS if request.form.get(f"use_{key}")]
        try:
            config.set_checklist(current_user, place_id, year, items)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            flash(_("本年度“五个一”清单已保存"), "success")
        return redirect(url_for("points.checklist_config", place_id=place_id, year=year))
    current = config.checklist_config(current_user, place_id, year) if place_id else None
    return render_template("points/checklist_config.html", places=places, place_id=place_id,
                           year=year, current=current, defaults=DEFAULT_ITEMS)
