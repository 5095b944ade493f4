"""项目清单: staff post co-building projects; units claim places with the resources they commit
(认领); members sign up for slots; units and staff post progress; closing records the outcome
and pays the participants once. Services flush; the request commits."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_place, place_scope, require_manage_community
from app.auth.roles import STAFF_LIKE
from app.clock import local_today, utcnow, year_bounds
from app.database import insert_unique
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.i18n import N_
from app.notifications.services import notify
from app.params import require_id
from app.points.checklist import ITEM_KEYS
from app.points.models import SourceType
from app.points.services import award, record_evidence
from app.projects.models import (
    HOLDING_PLACE,
    LIVE_PROJECT,
    Agreement,
    ClaimStatus,
    Project,
    ProjectClaim,
    ProjectClaimResource,
    ProjectEvent,
    ProjectSession,
    ProjectSignup,
    ProjectStatus,
    SessionStatus,
)
from app.projects.states import (
    Action,
    ClaimAction,
    Party,
    add_event,
    allowed_actions,
    authorize,
    authorize_claim,
    claim_transition,
    move,
    transition,
)
from app.registrations.models import UnitRegistration
from app.registrations.resources import unit_resources
from app.registrations.services import active_registration
from app.registrations.units import has_reported

POINTS_RULE = "project_participation"
MAX_SKILLS = 20
# Notification titles without stored data: the inbox shows them in the reader's language.
PROJECT_CLAIMED = N_("有单位认领了共建项目")
CLAIM_ACCEPTED, CLAIM_DECLINED = N_("项目认领已确认"), N_("项目认领未获确认")
PROJECT_CLOSED, PROJECT_CANCELLED = N_("共建项目已结项"), N_("共建项目已取消")
SESSION_CHANGED, SESSION_CANCELLED = N_("共建项目场次有变更"), N_("共建项目场次已取消")
NOTICE_TITLES = (
    PROJECT_CLAIMED,
    CLAIM_ACCEPTED,
    CLAIM_DECLINED,
    PROJECT_CLOSED,
    PROJECT_CANCELLED,
    SESSION_CHANGED,
    SESSION_CANCELLED,
)


# ---- who stands how to a project ----------------------------------------------------------


def _live_claim_of_unit(project_id: int, unit_id: int | None) -> ProjectClaim | None:
    if unit_id is None:
        return None
    return db.session.scalar(
        sa.select(ProjectClaim).where(
            ProjectClaim.project_id == project_id,
            ProjectClaim.unit_id == unit_id,
            ProjectClaim.status.in_(HOLDING_PLACE),
        )
    )


def _live_team_claim_of(project_id: int, leader_id: int) -> ProjectClaim | None:
    return db.session.scalar(
        sa.select(ProjectClaim).where(
            ProjectClaim.project_id == project_id,
            ProjectClaim.unit_id.is_(None),
            ProjectClaim.claimed_by_id == leader_id,
            ProjectClaim.status.in_(HOLDING_PLACE),
        )
    )


def parties(viewer: User, project: Project) -> set[Party]:
    found: set[Party] = set()
    if not getattr(viewer, "is_authenticated", False):
        return found
    if viewer.role in STAFF_LIKE and can_manage_place(viewer, project.community):
        found.add(Party.STAFF)
    if viewer.role == Role.UNIT_ADMIN and viewer.unit_id is not None:
        if has_reported(viewer.unit_id, project.community_id):
            found.add(Party.UNIT)
        if _live_claim_of_unit(project.id, viewer.unit_id) is not None:
            found.add(Party.CLAIMANT)
    if viewer.role == Role.MEMBER:
        reg = active_registration(viewer.id)
        if (reg is not None and reg.community_id == project.community_id) or _live_claim_of_unit(
            project.id, viewer.unit_id
        ) is not None:
            found.add(Party.MEMBER)
        if _live_team_claim_of(project.id, viewer.id) is not None:
            found.add(Party.CLAIMANT)
    return found


def _has_history_with(viewer: User, project: Project) -> bool:
    """A unit that ever claimed it, a member who signed up: they keep seeing it."""
    if viewer.role == Role.UNIT_ADMIN and viewer.unit_id is not None:
        return (
            db.session.scalar(
                sa.select(ProjectClaim.id)
                .where(ProjectClaim.project_id == project.id, ProjectClaim.unit_id == viewer.unit_id)
                .limit(1)
            )
            is not None
        )
    if viewer.role == Role.MEMBER:
        return signup_of(project.id, viewer.id) is not None
    return False


def get_project(project_id: int) -> Project:
    project = db.session.get(Project, require_id(project_id, "project"))
    if project is None:
        raise NotFound(_("项目不存在"))
    return project


def visible_project(viewer: User, project_id: int) -> tuple[Project, set[Party]]:
    """The project and how the viewer stands to it; 404 for one he may not know exists."""
    if viewer.role == Role.RESIDENT:
        raise Forbidden(_("无权查看共建项目"))
    project = get_project(project_id)
    found = parties(viewer, project)
    if not found and not _has_history_with(viewer, project):
        raise NotFound(_("项目不存在"))
    return project, found


def list_projects(viewer: User, *, status: str | None = None, community_id: int | None = None):
    """A select of the projects the viewer may see, newest first: staff their scope; unit
    admins those of the communities their unit reported to, and those it claimed; members those
    of their community, their unit's and those they signed up for."""
    stmt = sa.select(Project).order_by(Project.starts_on.desc(), Project.id.desc())
    if viewer.role in STAFF_LIKE:
        stmt = stmt.where(place_scope(viewer, Project.community_id))
    elif viewer.role == Role.UNIT_ADMIN:
        reported = sa.select(UnitRegistration.community_id).where(UnitRegistration.unit_id == viewer.unit_id)
        claimed = sa.select(ProjectClaim.project_id).where(ProjectClaim.unit_id == viewer.unit_id)
        stmt = stmt.where(sa.or_(Project.community_id.in_(reported), Project.id.in_(claimed)))
    elif viewer.role == Role.MEMBER:
        reg = active_registration(viewer.id)
        claimed = sa.select(ProjectClaim.project_id).where(
            ProjectClaim.unit_id == viewer.unit_id, ProjectClaim.status.in_(HOLDING_PLACE)
        )
        mine = sa.select(ProjectSignup.project_id).where(ProjectSignup.member_id == viewer.id)
        stmt = stmt.where(
            sa.or_(
                Project.community_id == (reg.community_id if reg else -1),
                Project.id.in_(claimed),
                Project.id.in_(mine),
            )
        )
    else:
        raise Forbidden(_("无权查看共建项目"))
    if status:
        stmt = stmt.where(Project.status == status)
    if community_id:
        stmt = stmt.where(Project.community_id == community_id)
    return stmt


# ---- posting --------------------------------------------------------------------------------


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise Invalid("ends_on", _("结束日期不能早于开始日期"))


def create_project(
    staff: User,
    *,
    community_id: int,
    title: str,
    kind: str,
    goals: str,
    starts_on: date,
    ends_on: date,
    slots: int,
    points: int,
    skills: list[str] | None = None,
    checklist_item: str | None = None,
    places: int = 1,
    hours: float = 2.0,
    resources_needed: str = "",
    agreement_id: int | None = None,
    now: datetime | None = None,
) -> Project:
    """Staff over the community post a project (open for claims and sign-ups)."""
    if staff.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以发布项目"))
    require_manage_community(staff, community_id)
    if not title or not title.strip():
        raise Invalid("title", _("请填写项目名称"))
    _check_period(starts_on, ends_on)
    if slots < 1:
        raise Invalid("slots", _("名额至少为1"))
    if places < 1:
        raise Invalid("places", _("认领单位数至少为1"))
    if points < 0:
        raise Invalid("points", _("积分不能为负数"))
    if not 0 <= hours <= 24:
        raise Invalid("hours", _("时长应在0到24小时之间"))
    if checklist_item is not None and checklist_item not in ITEM_KEYS:
        raise Invalid("checklist_item", _("未知的清单项目"))
    skills = [s.strip() for s in skills or [] if s and s.strip()]
    if len(skills) > MAX_SKILLS:
        raise Invalid("skills", _("技能最多20项"))
    if agreement_id is not None:
        agreement_id = _agreement_of_community(agreement_id, community_id)
    now = now or utcnow()
    project = Project(
        community_id=community_id,
        title=title.strip(),
        kind=kind.strip(),
        goals=(goals or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        slots=slots,
        places=places,
        points=points,
        hours=hours,
        skills=skills,
        resources_needed=(resources_needed or "").strip(),
        checklist_item=checklist_item,
        agreement_id=agreement_id,
        created_by_id=staff.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(project)
    db.session.flush()
    add_event(project.id, Action.POST, staff, to_status=project.status, now=now)
    record(staff, "project.create", project, {"title": project.title}, now=now)
    return project


def _agreement_of_community(agreement_id: int, community_id: int) -> int:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or agreement.community_id != community_id:
        raise Invalid("agreement_id", _("该协议不属于此社区"))
    return agreement.id


# ---- claims (认领) ---------------------------------------------------------------------------


def _take_place(project: Project, now: datetime) -> None:
    """One conditional UPDATE: a place is taken only while one is free, and the last one makes
    the project full, however many units claim at once."""
    taken = db.session.execute(
        sa.update(Project)
        .where(
            Project.id == project.id,
            Project.status == ProjectStatus.OPEN,
            Project.claimed_places < Project.places,
        )
        .values(
            claimed_places=Project.claimed_places + 1,
            updated_at=now,
            status=sa.case(
                (Project.claimed_places + 1 >= Project.places, ProjectStatus.FULL), else_=Project.status
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise Conflict(_("认领名额已满"))
    db.session.expire(project)


def _free_place(project: Project, actor, now: datetime) -> None:
    """A declined or withdrawn claim gives its place back; a full project is open again."""
    was = project.status
    db.session.execute(
        sa.update(Project)
        .where(
            Project.id == project.id,
            Project.claimed_places > 0,
            Project.status.in_((ProjectStatus.OPEN, ProjectStatus.FULL)),
        )
        .values(
            claimed_places=Project.claimed_places - 1,
            updated_at=now,
            status=sa.case((Project.status == ProjectStatus.FULL, ProjectStatus.OPEN), else_=Project.status),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(project)
    if was == ProjectStatus.FULL:
        add_event(project.id, Action.RELEASE, actor, from_status=was, to_status=ProjectStatus.OPEN, now=now)


def claim_project(
    actor: User,
    project_id: int,
    *,
    unit_id: int | None = None,
    resource_ids: list[int] | None = None,
    note: str = "",
    team_name: str | None = None,
    now: datetime | None = None,
) -> ProjectClaim:
    """认领: the admin of a unit that reported to the project's community claims one place for
    it, committing items of its resource list; or (`team_name`, called by the teams domain,
    which checked the leader) a service team claims one through its leader. The last place
    taken: 409; one live claim per unit (409)."""
    now = now or utcnow()
    project, found = visible_project(actor, project_id)
    if team_name is not None:
        found = found | {Party.UNIT}
    elif unit_id is None or actor.role != Role.UNIT_ADMIN or actor.unit_id != unit_id:
        raise Forbidden(_("只有本单位管理员可以认领"))
    authorize(found, project, Action.CLAIM)
    resources = []
    if resource_ids:
        if unit_id is None:
            raise Invalid("resource_ids", _("服务队认领不能承诺单位资源"))
        resources = unit_resources(unit_id, list(dict.fromkeys(resource_ids)))
        if len(resources) != len(set(resource_ids)):
            raise Invalid("resource_ids", _("只能承诺本单位资源清单中的资源"))
    if unit_id is not None and _live_claim_of_unit(project.id, unit_id) is not None:
        raise Conflict(_("本单位已认领该项目"))
    if team_name is not None and _live_team_claim_of(project.id, actor.id) is not None:
        raise Conflict(_("已认领该项目"))
    _take_place(project, now)
    claim = ProjectClaim(
        project_id=project.id,
        unit_id=unit_id,
        team_name=team_name,
        claimed_by_id=actor.id,
        note=(note or "").strip()[:500],
        created_at=now,
    )
    insert_unique(claim, Conflict(_("本单位已认领该项目")))
    if resources:
        db.session.execute(
            sa.insert(ProjectClaimResource), [{"claim_id": claim.id, "resource_id": r.id} for r in resources]
        )
    add_event(
        project.id,
        Action.CLAIM,
        actor,
        to_status=claim.status,
        claim_id=claim.id,
        now=now,
        note=claim.claimant_name,
    )
    record(
        actor,
        "project.claim",
        project,
        {
            "claim_id": claim.id,
            "unit_id": unit_id,
            "team": team_name,
            "resource_ids": [r.id for r in resources],
        },
        now=now,
    )
    notify(
        _community_staff_ids(project.community_id),
        kind="project_claimed",
        title=PROJECT_CLAIMED,
        body=f"{claim.claimant_name}：{project.title}",
        link=f"/projects/{project.id}",
        now=now,
    )
    return claim


def _community_staff_ids(community_id: int) -> list[int]:
    """The staff of the community, who accept or decline claims."""
    return list(
        db.session.scalars(sa.select(User.id).where(User.role == Role.STAFF, User.place_id == community_id))
    )


def _claim_of(project: Project, claim_id: int) -> ProjectClaim:
    claim = db.session.get(ProjectClaim, require_id(claim_id, "claim"))
    if claim is None or claim.project_id != project.id:
        raise NotFound(_("认领不存在"))
    return claim


def _claimant_ids(claim: ProjectClaim) -> list[int]:
    """Who hears of a claim: the unit's admins, or the team leader who claimed."""
    if claim.unit_id is None:
        return [claim.claimed_by_id]
    return list(
        db.session.scalars(
            sa.select(User.id).where(User.role == Role.UNIT_ADMIN, User.unit_id == claim.unit_id)
        )
    )


def decide_claim(
    staff: User, project_id: int, claim_id: int, accept: bool, reason: str = "", now: datetime | None = None
) -> ProjectClaim:
    """The community accepts a unit's claim, or declines it (its place comes free); the unit's
    admins hear of it."""
    now = now or utcnow()
    project, found = visible_project(staff, project_id)
    claim = _claim_of(project, claim_id)
    action = ClaimAction.ACCEPT if accept else ClaimAction.DECLINE
    authorize_claim(found, claim, action)
    if project.status not in (ProjectStatus.OPEN, ProjectStatus.FULL):
        raise Conflict(_("项目已结束"))
    claim_transition(
        claim, action, staff, now=now, note=reason, values={"decided_at": now, "decided_by_id": staff.id}
    )
    if not accept:
        _free_place(project, staff, now)
    record(staff, f"project.claim_{action}", project, {"claim_id": claim.id, "reason": reason}, now=now)
    notify(
        _claimant_ids(claim),
        kind=f"project_claim_{action}",
        title=CLAIM_ACCEPTED if accept else CLAIM_DECLINED,
        body=project.title,
        link=f"/projects/{project.id}",
        now=now,
    )
    return claim


def withdraw_claim(actor: User, project_id: int, claim_id: int, now: datetime | None = None) -> ProjectClaim:
    """The claiming unit's admin (or team leader) gives the place back."""
    now = now or utcnow()
    project, found = visible_project(actor, project_id)
    claim = _claim_of(project, claim_id)
    mine = (
        claim.unit_id is not None and actor.role == Role.UNIT_ADMIN and actor.unit_id == claim.unit_id
    ) or (claim.unit_id is None and claim.claimed_by_id == actor.id)
    authorize_claim(found if mine else found - {Party.CLAIMANT}, claim, ClaimAction.WITHDRAW)
    if project.status not in (ProjectStatus.OPEN, ProjectStatus.FULL):
        raise Conflict(_("项目已结束"))
    claim_transition(claim, ClaimAction.WITHDRAW, actor, now=now)
    _free_place(project, actor, now)
    record(actor, "project.claim_withdraw", project, {"claim_id": claim.id}, now=now)
    return claim


def claims_of(project_id: int) -> list[ProjectClaim]:
    return list(
        db.session.scalars(
            sa.select(ProjectClaim).where(ProjectClaim.project_id == project_id).order_by(ProjectClaim.id)
        )
    )


# ---- sign-ups, updates --------------------------------------------------------------------------


def signup_of(project_id: int, member_id: int) -> ProjectSignup | None:
    """The member's first sign-up to the project (of the project itself or of a session)."""
    return db.session.scalar(
        sa.select(ProjectSignup)
        .where(ProjectSignup.project_id == project_id, ProjectSignup.member_id == member_id)
        .order_by(ProjectSignup.id)
        .limit(1)
    )


def _take_slot(model, row_id: int, *where) -> None:
    """One conditional UPDATE: a slot of the project or of a session (`model`) is taken only
    while `signup_count < slots` (and `where`) holds, however many members sign up at once;
    the last slot gone: 409."""
    taken = db.session.execute(
        sa.update(model)
        .where(model.id == row_id, model.signup_count < model.slots, *where)
        .values(signup_count=model.signup_count + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise Conflict(_("报名名额已满"))


def _free_slot(model, row_id: int) -> None:
    db.session.execute(
        sa.update(model)
        .where(model.id == row_id, model.signup_count > 0)
        .values(signup_count=model.signup_count - 1)
        .execution_options(synchronize_session=False)
    )


def has_sessions(project_id: int) -> bool:
    """Whether the project is signed up for by session (it has a session not cancelled)."""
    return (
        db.session.scalar(
            sa.select(ProjectSession.id)
            .where(ProjectSession.project_id == project_id, ProjectSession.status == SessionStatus.ACTIVE)
            .limit(1)
        )
        is not None
    )


def sign_up(
    member: User, project_id: int, session_id: int | None = None, now: datetime | None = None
) -> ProjectSignup:
    """A member of the project's community (or of a claiming unit) takes a slot: of the project
    when it has no sessions, else of the session `session_id` (required then: 422), one per
    session. The last slot taken: 409 (a conditional UPDATE, however many sign up at once);
    twice: 409; a cancelled or started session: 409."""
    now = now or utcnow()
    project, found = visible_project(member, project_id)
    authorize(found, project, Action.SIGNUP)
    if session_id is None:
        if has_sessions(project.id):
            raise Invalid("session_id", _("请选择要报名的场次"))
        if signup_of(project.id, member.id) is not None:
            raise Conflict(_("已经报名"))
        _take_slot(Project, project.id, Project.status.in_(LIVE_PROJECT))
        db.session.expire(project)
    else:
        session = session_of(project, session_id, field="session_id")
        if session.status != SessionStatus.ACTIVE:
            raise Conflict(_("该场次已取消"))
        if session.starts_at <= now:
            raise Conflict(_("该场次已开始，不能报名"))
        if _session_signup_of(session.id, member.id) is not None:
            raise Conflict(_("已经报名"))
        project_live = (
            sa.select(Project.id)
            .where(Project.id == ProjectSession.project_id, Project.status.in_(LIVE_PROJECT))
            .exists()
        )
        _take_slot(
            ProjectSession,
            session.id,
            ProjectSession.status == SessionStatus.ACTIVE,
            ProjectSession.starts_at > now,
            project_live,
        )
        db.session.expire(session)
    signup = ProjectSignup(project_id=project.id, session_id=session_id, member_id=member.id, created_at=now)
    insert_unique(signup, Conflict(_("已经报名")))
    return signup


def _session_signup_of(session_id: int, member_id: int) -> ProjectSignup | None:
    return db.session.scalar(
        sa.select(ProjectSignup).where(
            ProjectSignup.session_id == session_id, ProjectSignup.member_id == member_id
        )
    )


def session_of(project: Project, session_id, *, field: str | None = None) -> ProjectSession:
    """The project's session `session_id`: 404 for an unknown one (422 naming `field` when the
    id came in a body)."""
    session = db.session.get(ProjectSession, require_id(session_id, field or "session"))
    if session is None or session.project_id != project.id:
        if field is not None:
            raise Invalid(field, _("该项目没有这个场次"))
        raise NotFound(_("场次不存在"))
    return session


def cancel_signup(
    member: User, project_id: int, signup_id: int, now: datetime | None = None
) -> ProjectSignup:
    """The member gives his slot back: a session's before it starts, the project's before its
    first day (409 after); the slot is free again."""
    now = now or utcnow()
    project, found = visible_project(member, project_id)
    signup = db.session.get(ProjectSignup, require_id(signup_id, "signup"))
    if signup is None or signup.project_id != project.id or signup.member_id != member.id:
        raise NotFound(_("报名记录不存在"))
    authorize(found | {Party.MEMBER}, project, Action.UNSIGN)  # his own, wherever he lives now
    if signup.session is not None:
        if signup.session.status != SessionStatus.ACTIVE:
            raise Conflict(_("该场次已取消"))
        if signup.session.starts_at <= now:
            raise Conflict(_("该场次已开始，不能取消报名"))
    elif local_today(now) >= project.starts_on:
        raise Conflict(_("项目已开始，不能取消报名"))
    gone = db.session.execute(
        sa.delete(ProjectSignup)
        .where(ProjectSignup.id == signup.id)
        .execution_options(synchronize_session=False)
    )
    if gone.rowcount != 1:
        raise Conflict(_("已被他人更新，请刷新后重试"))
    if signup.session_id is not None:
        _free_slot(ProjectSession, signup.session_id)
        db.session.expire(signup.session)
    else:
        _free_slot(Project, project.id)
        db.session.expire(project)
    db.session.expunge(signup)
    return signup


def signups_of(project_id: int) -> list[ProjectSignup]:
    return list(
        db.session.scalars(
            sa.select(ProjectSignup).where(ProjectSignup.project_id == project_id).order_by(ProjectSignup.id)
        )
    )


def sessions_of(project_id: int) -> list[ProjectSession]:
    """The project's sessions in time order, cancelled ones included."""
    return list(
        db.session.scalars(
            sa.select(ProjectSession)
            .where(ProjectSession.project_id == project_id)
            .order_by(ProjectSession.starts_at, ProjectSession.id)
        )
    )


def add_update(actor: User, project_id: int, note: str, now: datetime | None = None) -> ProjectEvent:
    """A progress note (进展) by the community or a claiming unit."""
    now = now or utcnow()
    project, found = visible_project(actor, project_id)
    authorize(found, project, Action.UPDATE)
    if not note or not note.strip():
        raise Invalid("note", _("请填写进展情况"))
    event = add_event(project.id, Action.UPDATE, actor, note=note.strip(), now=now)
    db.session.flush()
    if actor.role in STAFF_LIKE or actor.role == Role.UNIT_ADMIN:
        record(actor, "project.update", project, {"event_id": event.id}, now=now)
    return event


def events_of(project_id: int) -> list[ProjectEvent]:
    return list(
        db.session.scalars(
            sa.select(ProjectEvent)
            .where(ProjectEvent.project_id == project_id)
            .order_by(ProjectEvent.at, ProjectEvent.id)
        )
    )


# ---- closing ------------------------------------------------------------------------------------


def close_project(
    staff: User,
    project_id: int,
    outcome: str,
    *,
    absent_member_ids: list[int] | None = None,
    absent_signup_ids: list[int] | None = None,
    now: datetime | None = None,
) -> Project:
    """结项: records the outcome, delivers the accepted claims (pending ones are declined),
    credits each present participant the hours of what he attended — each session he signed up
    for that took place (not cancelled, started by now) and he was not absent from
    (`absent_signup_ids`) its duration, a sign-up without a session the project's hours; a
    member in `absent_member_ids` attended nothing — and pays the project's points once per
    member who attended anything, through the ledger (one idempotency key per project and
    member: paid once, even if two closings race, the second of which is a 409 anyway), ticks
    the checklist item, and tells the participants and the claimants."""
    now = now or utcnow()
    project, found = visible_project(staff, project_id)
    authorize(found, project, Action.CLOSE)
    if not outcome or not outcome.strip():
        raise Invalid("outcome", _("请填写项目成效"))
    absent_members = set(absent_member_ids or [])
    signups = signups_of(project.id)
    unknown = absent_members - {s.member_id for s in signups}
    if unknown:
        raise Invalid("absent_member_ids", _("只能标记已报名的党员"))
    absent = set(absent_signup_ids or [])
    if absent - {s.id for s in signups}:
        raise Invalid("absent_signup_ids", _("只能标记本项目的报名记录"))
    absent |= {s.id for s in signups if s.member_id in absent_members}
    transition(
        project,
        Action.CLOSE,
        staff,
        now=now,
        note=outcome.strip(),
        values={"outcome": outcome.strip(), "closed_at": now, "closed_by_id": staff.id},
    )
    claims = claims_of(project.id)
    for claim in claims:
        if claim.status == ClaimStatus.ACCEPTED:
            claim_transition(claim, ClaimAction.DELIVER, staff, now=now)
        elif claim.status == ClaimStatus.PENDING:
            move(
                ProjectClaim, claim, ClaimStatus.PENDING, {"status": ClaimStatus.DECLINED, "decided_at": now}
            )
    present = _pay(staff, project, signups, absent, now)
    record(
        staff,
        "project.close",
        project,
        {
            "outcome": project.outcome,
            "paid": len(present),
            "absent": sorted(absent_members),
            "absent_signups": sorted(absent),
        },
        now=now,
    )
    claimant_ids = [uid for c in claims if c.status == ClaimStatus.DELIVERED for uid in _claimant_ids(c)]
    notify(
        present + claimant_ids,
        kind="project_closed",
        title=PROJECT_CLOSED,
        body=project.title,
        link=f"/projects/{project.id}",
        now=now,
    )
    return project


def _took_place(signup: ProjectSignup, now: datetime) -> bool:
    session = signup.session
    return session is None or (session.status == SessionStatus.ACTIVE and session.starts_at <= now)


def _pay(
    staff: User, project: Project, signups: list[ProjectSignup], absent: set[int], now: datetime
) -> list[int]:
    """Credits the sign-ups and pays each member once; returns the members paid."""
    paid: list[int] = []
    for signup in signups:
        if signup.id in absent:
            signup.is_absent, signup.hours, signup.points = True, 0, 0
            continue
        if not _took_place(signup, now):
            signup.hours, signup.points = 0, 0
            continue
        signup.hours = signup.session.hours if signup.session is not None else project.hours
        signup.points = 0
        if signup.member_id in paid:
            continue  # his points are on his first sign-up
        paid.append(signup.member_id)
        entry = award(
            signup.member_id,
            POINTS_RULE,
            source_type=SourceType.PROJECT,
            source_id=project.id,
            points=project.points,
            created_by_id=staff.id,
            now=now,
            key=f"project:{project.id}:member:{signup.member_id}",
            reason=_("共建项目：%(title)s", title=project.title)[:300],
        )
        signup.points = entry.points if entry is not None else 0
        if project.checklist_item:
            record_evidence(
                signup.member_id,
                project.checklist_item,
                source_type=SourceType.PROJECT,
                source_id=project.id,
                note=project.title[:100],
                now=now,
            )
    db.session.flush()
    return paid


def cancel_project(staff: User, project_id: int, reason: str, now: datetime | None = None) -> Project:
    now = now or utcnow()
    project, found = visible_project(staff, project_id)
    authorize(found, project, Action.CANCEL)
    if not reason or not reason.strip():
        raise Invalid("reason", _("请填写取消原因"))
    transition(project, Action.CANCEL, staff, now=now, note=reason.strip())
    record(staff, "project.cancel", project, {"reason": reason.strip()}, now=now)
    notify(
        [s.member_id for s in signups_of(project.id)],
        kind="project_cancelled",
        title=PROJECT_CANCELLED,
        body=project.title,
        link=f"/projects/{project.id}",
        now=now,
    )
    return project


# ---- figures for other domains -----------------------------------------------------------


def delivered_counts(unit_ids, year: int) -> dict[int, int]:
    """{unit_id: projects the unit claimed (its claim accepted) that closed in `year` (local
    time)}, every given id present (0 if none); one grouped query."""
    ids = list(dict.fromkeys(unit_ids))
    result = dict.fromkeys(ids, 0)
    if not ids:
        return result
    start, end = year_bounds(year)
    rows = db.session.execute(
        sa.select(ProjectClaim.unit_id, sa.func.count(sa.distinct(ProjectClaim.project_id)))
        .join(Project, Project.id == ProjectClaim.project_id)
        .where(
            ProjectClaim.unit_id.in_(ids),
            ProjectClaim.status == ClaimStatus.DELIVERED,
            Project.closed_at >= start,
            Project.closed_at < end,
        )
        .group_by(ProjectClaim.unit_id)
    )
    result.update(dict(rows.all()))
    return result


def hours_for(member_ids, year: int) -> dict[int, float]:
    """{member_id: verified hours credited by the projects that closed in `year` (local time)}.
    `member_ids` is a list (every id gets a value, 0.0 if none) or a SELECT of ids (only
    members with hours); one grouped query (per 5,000 ids of a list)."""
    start, end = year_bounds(year)

    def query(ids):
        return db.session.execute(
            sa.select(ProjectSignup.member_id, sa.func.sum(ProjectSignup.hours))
            .join(Project, Project.id == ProjectSignup.project_id)
            .where(
                ProjectSignup.member_id.in_(ids),
                ProjectSignup.hours.is_not(None),
                Project.status == ProjectStatus.CLOSED,
                Project.closed_at >= start,
                Project.closed_at < end,
            )
            .group_by(ProjectSignup.member_id)
        )

    if isinstance(member_ids, sa.Select):
        return {m: float(h or 0) for m, h in query(member_ids)}
    result = dict.fromkeys(member_ids, 0.0)
    ids = list(result)
    for i in range(0, len(ids), 5000):
        result.update({m: float(h or 0) for m, h in query(ids[i : i + 5000])})
    return result


def projects_by_ids(project_ids: list[int]) -> list[Project]:
    if not project_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.id.in_(project_ids))
            .order_by(Project.starts_on.desc(), Project.id.desc())
        )
    )


def member_signups(member_id: int):
    """A select of the member's sign-ups, newest project first."""
    return (
        sa.select(ProjectSignup)
        .join(Project, Project.id == ProjectSignup.project_id)
        .where(ProjectSignup.member_id == member_id)
        .order_by(Project.starts_on.desc(), ProjectSignup.id.desc())
    )


class ProjectDetail:
    """A project with what its page and the API show about it: claims, sign-ups, timeline, and
    the actions the viewer may take now."""

    def __init__(self, project: Project, viewer_parties: set[Party]):
        self.project = project
        self.parties = viewer_parties
        self.claims = claims_of(project.id)
        self.signups = signups_of(project.id)
        self.sessions = sessions_of(project.id)
        self.events = events_of(project.id)
        self.actions = [str(a) for a in allowed_actions(viewer_parties, project)]

    def __getattr__(self, name):
        return getattr(self.project, name)


def project_detail(viewer: User, project_id: int) -> ProjectDetail:
    project, found = visible_project(viewer, project_id)
    return ProjectDetail(project, found)
