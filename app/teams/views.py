"""服务队 pages: the teams by scope with their leaderboard, forming a team, a team's page
(members, what it claimed; the leader adds members and claims as one)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import PARTICIPANTS, STAFF_LIKE
from app.extensions import db
from app.forms import form_page
from app.i18n import N_
from app.pages import submit_form
from app.params import query_page, query_year
from app.places.services import communities_managed_by
from app.teams import forms, services

bp = Blueprint("teams", __name__)
PAGE_SIZE = 20
VIEWERS = PARTICIPANTS
nav.add(N_("服务队"), "teams.index", STAFF_LIKE, order=21)  # members and units: from 共建项目


@bp.get("/teams")
@roles_required(*VIEWERS)
def index():
    page = query_page()
    year = query_year()
    return render_template(
        "teams/index.html",
        result=paginate(db.session, services.list_teams(current_user), page, PAGE_SIZE),
        page=page,
        page_size=PAGE_SIZE,
        year=year,
        board=services.leaderboard(current_user, year, limit=10),
    )


def _team_form() -> forms.TeamForm:
    form = forms.TeamForm()
    if current_user.role == Role.UNIT_ADMIN:
        form.home.choices = (
            [(f"unit:{current_user.unit_id}", current_user.unit.name)] if current_user.unit else []
        )
    else:
        form.home.choices = [(f"community:{c.id}", c.name) for c in communities_managed_by(current_user)]
    return form


@bp.route("/teams/new", methods=["GET", "POST"])
@roles_required(Role.UNIT_ADMIN, *STAFF_LIKE)
def new():
    form = _team_form()

    def save():
        kind, _sep, home_id = form.home.data.partition(":")
        home = {"community_id": int(home_id)} if kind == "community" else {"unit_id": int(home_id)}
        specialities = [s.strip() for s in (form.specialities.data or "").replace("，", ",").split(",")]
        return services.create_team(
            current_user,
            name=form.name.data,
            leader_id=form.leader_id.data,
            description=form.description.data,
            specialities=specialities,
            **home,
        )

    return form_page(
        form, "teams/new.html", save, _("已组建服务队"), lambda team: url_for("teams.detail", team_id=team.id)
    )


def _detail_page(team_id: int, failed: tuple[str, object] | None = None):
    """The team's page; `failed` = ("member" or a claim's kind, form) re-shows a refused form
    with its errors beside its field and what was typed."""
    team = services.visible_team(current_user, team_id)
    failed_kind, failed_form = failed or (None, None)
    return render_template(
        "teams/detail.html",
        team=team,
        members=services.members_of(team.id),
        claims=services.claims_of(team.id),
        is_leader=team.leader_id == current_user.id,
        member_form=failed_form if failed_kind == "member" else forms.MemberForm(formdata=None),
        claim_form=forms.ClaimForm(formdata=None),
        failed_kind=failed_kind,
        failed_form=failed_form,
    )


@bp.get("/teams/<int:team_id>")
@roles_required(*VIEWERS)
def detail(team_id):
    return _detail_page(team_id)


def _posted(form, call, message: str, team_id: int, kind: str):
    def done():
        call(form)
        flash(message, "success")
        return redirect(url_for("teams.detail", team_id=team_id))

    return submit_form(
        form, done, lambda: _detail_page(team_id, failed=(kind, form)), conflicts_at_form=False
    )


@bp.post("/teams/<int:team_id>/members")
@roles_required(Role.MEMBER)
def add_member(team_id):
    return _posted(
        forms.MemberForm(),
        lambda f: services.add_member(current_user, team_id, f.member_id.data),
        _("已添加队员"),
        team_id,
        "member",
    )


@bp.post("/teams/<int:team_id>/claims/<kind>")
@roles_required(Role.MEMBER)
def claim(team_id, kind):
    calls = {"order": services.claim_order, "project": services.claim_project}
    if kind not in calls:
        abort(404)
    return _posted(
        forms.ClaimForm(),
        lambda f: calls[kind](current_user, team_id, f.target_id.data),
        _("已代表服务队认领"),
        team_id,
        kind,
    )
