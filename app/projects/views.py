"""项目清单 pages: the list by scope, the staff's posting form, the project page (claims with
resources, sign-ups, progress, closing), the member's own projects, and 共建协议. Every action
posts to a route that calls the same service as the API."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import PARTICIPANTS, STAFF_LIKE
from app.clock import local_moment, local_today, localtime_of, utcnow
from app.extensions import db
from app.forms import form_page
from app.i18n import N_
from app.pages import submit_form
from app.params import query_id, query_page
from app.places.services import communities_managed_by
from app.projects import agreements, forms, services, sessions
from app.projects.models import KINDS, ProjectStatus
from app.projects.states import ACTION_LABELS, CLAIM_LABELS, STATUS_LABELS, Party
from app.registrations.resources import unit_resources
from app.registrations.units import reported_units

bp = Blueprint("projects", __name__)
PAGE_SIZE = 20
VIEWERS = PARTICIPANTS
nav.add(N_("共建项目"), "projects.index", VIEWERS, order=20)
nav.add(N_("共建协议"), "projects.agreements_page", (Role.UNIT_ADMIN, *STAFF_LIKE), order=62)
bp.record_once(
    lambda state: state.app.jinja_env.globals.update(
        PROJECT_STATUS=STATUS_LABELS,
        CLAIM_STATUS=CLAIM_LABELS,
        PROJECT_ACTIONS=ACTION_LABELS,
        PROJECT_KINDS=KINDS,
    )
)


@bp.get("/projects")
@roles_required(*VIEWERS)
def index():
    status = request.args.get("status") or None
    if status not in set(ProjectStatus):
        status = None
    page = query_page()
    stmt = services.list_projects(current_user, status=status, community_id=query_id("community_id"))
    return render_template(
        "projects/index.html",
        result=paginate(db.session, stmt, page, PAGE_SIZE),
        page=page,
        page_size=PAGE_SIZE,
        status=status or "",
        statuses=list(ProjectStatus),
    )


def _project_form() -> forms.ProjectForm:
    form = forms.ProjectForm()
    form.community_id.choices = [(c.id, c.name) for c in communities_managed_by(current_user)]
    stmt = agreements.list_agreements(current_user)
    form.agreement_id.choices = [(0, _("无"))] + [
        (a.id, f"{a.unit.name} · {a.title}") for a in db.session.scalars(stmt.limit(100))
    ]
    return form


@bp.route("/projects/new", methods=["GET", "POST"])
@roles_required(*STAFF_LIKE)
def new():
    form = _project_form()

    def save():
        values = {
            name: form[name].data
            for name in (
                "community_id",
                "title",
                "kind",
                "goals",
                "starts_on",
                "ends_on",
                "places",
                "slots",
                "resources_needed",
            )
        }
        return services.create_project(
            current_user,
            **values,
            points=form.points.data or 0,
            hours=form.hours.data or 0,
            skills=[s.strip() for s in (form.skills.data or "").replace("，", ",").split(",")],
            checklist_item=form.checklist_item.data or None,
            agreement_id=form.agreement_id.data or None,
        )

    return form_page(
        form,
        "projects/new.html",
        save,
        _("已发布共建项目"),
        lambda project: url_for("projects.detail", project_id=project.id),
    )


def _detail_page(project_id: int, failed: tuple[str, object] | None = None):
    """The project page; `failed` = (action, form) re-shows a refused form with its errors and
    what was typed."""
    project = services.project_detail(current_user, project_id)
    failed_action, failed_form = failed or (None, None)
    page_forms = {
        "claim_form": forms.ClaimForm(formdata=None),
        "note_form": forms.NoteForm(formdata=None),
        "close_form": forms.CloseForm(formdata=None),
        "reason_form": forms.ReasonForm(formdata=None),
    }
    if failed_action in FAILED_FORMS:
        page_forms[FAILED_FORMS[failed_action]] = failed_form
    claim_form, close_form = page_forms["claim_form"], page_forms["close_form"]
    if current_user.role == Role.UNIT_ADMIN and current_user.unit_id:
        claim_form.resource_ids.choices = [(r.id, f"{r.name}") for r in unit_resources(current_user.unit_id)]
    _absentee_choices(close_form, project.signups)
    mine = [s for s in project.signups if s.member_id == current_user.id]
    return render_template(
        "projects/detail.html",
        project=project,
        is_staff=Party.STAFF in project.parties,
        signed_up=any(s.session_id is None for s in mine),
        my_project_signup=next((s for s in mine if s.session_id is None), None),
        my_sessions={s.session_id: s for s in mine if s.session_id is not None},
        by_session=_count_by_session(project.signups),
        now=utcnow(),
        today=local_today(),
        failed_action=failed_action,
        failed_form=failed_form,
        **page_forms,
    )


def _count_by_session(signups) -> dict:
    found: dict = {}
    for s in signups:
        found.setdefault(s.session_id, []).append(s)
    return found


def _absentee_choices(close_form, signups) -> None:
    """Absentees by member (nothing credited), and by session sign-up (that session's hours)."""
    members = {s.member_id: s.member.name for s in signups}
    close_form.absent_member_ids.choices = list(members.items())
    close_form.absent_signup_ids.choices = [
        (s.id, f"{s.member.name} · {s.session.title}") for s in signups if s.session is not None
    ]


# The action whose refused form takes the place of the page's form of that name.
FAILED_FORMS = {"claim": "claim_form", "update": "note_form", "close": "close_form", "cancel": "reason_form"}


@bp.get("/projects/<int:project_id>")
@roles_required(*VIEWERS)
def detail(project_id):
    return _detail_page(project_id)


def _posted(form, call, message: str, project_id: int, action: str):
    """Calls the service once the posted form validates, flashes, back to the project page;
    else the page again with the form's errors beside its fields and what was typed."""

    def done():
        call(form)
        flash(message, "success")
        return redirect(url_for("projects.detail", project_id=project_id))

    return submit_form(form, done, lambda: _detail_page(project_id, failed=(action, form)),
                       conflicts_at_form=False)


@bp.post("/projects/<int:project_id>/claim")
@roles_required(Role.UNIT_ADMIN)
def claim(project_id):
    form = forms.ClaimForm()
    form.resource_ids.choices = [(r.id, r.name) for r in unit_resources(current_user.unit_id)]
    return _posted(
        form,
        lambda f: services.claim_project(
            current_user,
            project_id,
            unit_id=current_user.unit_id,
            resource_ids=f.resource_ids.data or [],
            note=f.note.data or "",
        ),
        _("已认领，等待社区确认"),
        project_id,
        "claim",
    )


@bp.post("/projects/<int:project_id>/claims/<int:claim_id>/<decision>")
@roles_required(*PARTICIPANTS)
def decide(project_id, claim_id, decision):
    if decision == "withdraw":
        return _posted(
            forms.ReasonForm(),
            lambda f: services.withdraw_claim(current_user, project_id, claim_id),
            _("已撤回认领"),
            project_id,
            "withdraw",
        )
    if decision not in ("accept", "decline"):
        abort(404)
    accept = decision == "accept"
    return _posted(
        forms.ReasonForm(),
        lambda f: services.decide_claim(current_user, project_id, claim_id, accept, f.reason.data or ""),
        _("已确认认领") if accept else _("已不予确认"),
        project_id,
        decision,
    )


@bp.post("/projects/<int:project_id>/signup", defaults={"session_id": None})
@bp.post("/projects/<int:project_id>/sessions/<int:session_id>/signup", endpoint="session_signup")
@roles_required(Role.MEMBER)
def signup(project_id, session_id):
    """A member signs up: for the project, or for one of its sessions."""
    return _posted(
        forms.ReasonForm(),
        lambda f: services.sign_up(current_user, project_id, session_id),
        _("报名成功"),
        project_id,
        "signup",
    )


@bp.post("/projects/<int:project_id>/signups/<int:signup_id>/cancel")
@roles_required(Role.MEMBER)
def cancel_signup(project_id, signup_id):
    return _posted(
        forms.ReasonForm(),
        lambda f: services.cancel_signup(current_user, project_id, signup_id),
        _("已取消报名"),
        project_id,
        "unsign",
    )


def _session_fields(form: forms.SessionForm) -> dict:
    """What the session form gives the services (the day and times as moments)."""
    return {"title": form.title.data, "location": form.location.data or "",
            "starts_at": local_moment(form.day.data, form.starts_at.data),
            "ends_at": local_moment(form.day.data, form.ends_at.data), "slots": form.slots.data}


@bp.route("/projects/<int:project_id>/sessions/new", methods=["GET", "POST"])
@roles_required(*STAFF_LIKE)
def new_session(project_id):
    """Staff add a session (场次): a day, a time range, a place, slots."""
    project = sessions.staff_project(current_user, project_id)
    form = forms.SessionForm()

    def save():
        return sessions.create_session(current_user, project.id, **_session_fields(form))

    return form_page(
        form,
        "projects/session_new.html",
        save,
        _("已添加场次"),
        lambda session: url_for("projects.detail", project_id=project.id),
        project=project,
    )


@bp.route("/projects/<int:project_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_LIKE)
def edit_session(project_id, session_id):
    """Staff change a session: the same form, filled with what it is."""
    project = sessions.staff_project(current_user, project_id)
    session = services.session_of(project, session_id)
    form = forms.SessionForm(
        data={
            "title": session.title,
            "day": local_today(session.starts_at),
            "starts_at": localtime_of(session.starts_at),
            "ends_at": localtime_of(session.ends_at),
            "location": session.location,
            "slots": session.slots,
        }
    )

    def save():
        return sessions.update_session(current_user, project.id, session.id, **_session_fields(form))

    return form_page(
        form,
        "projects/session_new.html",
        save,
        _("已修改场次"),
        lambda saved: url_for("projects.detail", project_id=project.id),
        project=project,
        editing=session,
    )


@bp.post("/projects/<int:project_id>/sessions/<int:session_id>/cancel")
@roles_required(*STAFF_LIKE)
def cancel_session(project_id, session_id):
    return _posted(
        forms.ReasonForm(),
        lambda f: sessions.cancel_session(current_user, project_id, session_id, f.reason.data),
        _("场次已取消"),
        project_id,
        f"session_cancel_{session_id}",
    )


@bp.post("/projects/<int:project_id>/update")
@roles_required(*PARTICIPANTS)
def update(project_id):
    return _posted(
        forms.NoteForm(),
        lambda f: services.add_update(current_user, project_id, f.note.data),
        _("已记录进展"),
        project_id,
        "update",
    )


@bp.post("/projects/<int:project_id>/close")
@roles_required(*STAFF_LIKE)
def close(project_id):
    form = forms.CloseForm()
    project, _parties = services.visible_project(current_user, project_id)
    _absentee_choices(form, services.signups_of(project.id))
    return _posted(
        form,
        lambda f: services.close_project(
            current_user,
            project_id,
            f.outcome.data,
            absent_member_ids=f.absent_member_ids.data or [],
            absent_signup_ids=f.absent_signup_ids.data or [],
        ),
        _("项目已结项，积分和时长已记入参与党员"),
        project_id,
        "close",
    )


@bp.post("/projects/<int:project_id>/cancel")
@roles_required(*STAFF_LIKE)
def cancel(project_id):
    return _posted(
        forms.ReasonForm(),
        lambda f: services.cancel_project(current_user, project_id, f.reason.data),
        _("项目已取消"),
        project_id,
        "cancel",
    )


@bp.get("/me/projects")
@roles_required(Role.MEMBER)
def mine():
    """The member's projects: signed up, and after closing the hours and points credited."""
    page = query_page()
    result = paginate(db.session, services.member_signups(current_user.id), page, PAGE_SIZE)
    return render_template("projects/mine.html", result=result, page=page, page_size=PAGE_SIZE)


# ---- 共建协议 ---------------------------------------------------------------------------------------


@bp.get("/agreements")
@roles_required(Role.UNIT_ADMIN, *STAFF_LIKE)
def agreements_page():
    page = query_page()
    stmt = agreements.list_agreements(current_user, community_id=query_id("community_id"))
    return render_template(
        "projects/agreements.html",
        result=paginate(db.session, stmt, page, PAGE_SIZE),
        page=page,
        page_size=PAGE_SIZE,
    )


def _agreement_form() -> forms.AgreementForm:
    form = forms.AgreementForm()
    communities = communities_managed_by(current_user)
    form.community_id.choices = [(c.id, c.name) for c in communities]
    units = {u.id: u for c in communities[:50] for u in reported_units(c.id)}
    form.unit_id.choices = [(u.id, u.name) for u in sorted(units.values(), key=lambda u: u.name)]
    return form


@bp.route("/agreements/new", methods=["GET", "POST"])
@roles_required(*STAFF_LIKE)
def new_agreement():
    form = _agreement_form()
    fields = ("community_id", "unit_id", "title", "content", "starts_on", "ends_on")
    return form_page(
        form,
        "projects/agreement_new.html",
        lambda: agreements.create_agreement(current_user, **{name: form[name].data for name in fields}),
        _("已登记共建协议"),
        lambda agreement: url_for("projects.agreement", agreement_id=agreement.id),
    )


@bp.get("/agreements/<int:agreement_id>")
@roles_required(Role.UNIT_ADMIN, *STAFF_LIKE)
def agreement(agreement_id):
    return render_template(
        "projects/agreement.html", agreement=agreements.visible_agreement(current_user, agreement_id)
    )
