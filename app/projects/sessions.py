"""场次/任务: the dated parts of a co-building project, each with its time range, place and member
slots. Staff of the project's community add, edit and cancel them (audited, on the timeline);
members sign up by session (services.sign_up). Services flush; the request commits."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import User
from app.clock import local_today, utcnow
from app.errors import Conflict, Invalid
from app.extensions import db
from app.notifications.services import notify
from app.projects.models import Project, ProjectSession, ProjectSignup, SessionStatus
from app.projects.services import (
    SESSION_CANCELLED,
    SESSION_CHANGED,
    session_of,
    sessions_of,
    visible_project,
)
from app.projects.states import Action, add_event, authorize, move

MAX_SLOTS = 10000
LONGEST = timedelta(hours=24)
EDITABLE = ("title", "location", "starts_at", "ends_at", "slots")


def _check(
    project: Project, *, title: str, location: str, starts_at: datetime, ends_at: datetime, slots: int
) -> tuple[str, str]:
    title, location = (title or "").strip(), (location or "").strip()
    if not title:
        raise Invalid("title", _("请填写场次名称"))
    if len(title) > 120:
        raise Invalid("title", _("场次名称不超过120字"))
    if len(location) > 200:
        raise Invalid("location", _("地点不超过200字"))
    if ends_at <= starts_at:
        raise Invalid("ends_at", _("结束时间须晚于开始时间"))
    if ends_at - starts_at > LONGEST:
        raise Invalid("ends_at", _("一个场次不超过24小时"))
    if local_today(starts_at) < project.starts_on:
        raise Invalid(
            "starts_at", _("场次须在项目周期内（%(a)s 至 %(b)s）", a=project.starts_on, b=project.ends_on)
        )
    if local_today(ends_at) > project.ends_on:
        raise Invalid(
            "ends_at", _("场次须在项目周期内（%(a)s 至 %(b)s）", a=project.starts_on, b=project.ends_on)
        )
    if not 1 <= slots <= MAX_SLOTS:
        raise Invalid("slots", _("名额应在1到10000之间"))
    return title, location


def staff_project(staff: User, project_id: int) -> Project:
    """The project, for staff over its community while it is open or full (403 / 404 / 409)."""
    project, found = visible_project(staff, project_id)
    authorize(found, project, Action.SESSION)
    return project


def create_session(
    staff: User,
    project_id: int,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    slots: int,
    location: str = "",
    now: datetime | None = None,
) -> ProjectSession:
    """Staff add a session within the project's period, starting later than now; from then on
    the project is signed up for by session."""
    now = now or utcnow()
    project = staff_project(staff, project_id)
    title, location = _check(
        project, title=title, location=location, starts_at=starts_at, ends_at=ends_at, slots=slots
    )
    if starts_at <= now:
        raise Invalid("starts_at", _("开始时间须晚于现在"))
    session = ProjectSession(
        project_id=project.id,
        title=title,
        location=location,
        starts_at=starts_at,
        ends_at=ends_at,
        slots=slots,
        created_by_id=staff.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(session)
    db.session.flush()
    add_event(project.id, "session_add", staff, note=title, now=now)
    record(
        staff,
        "project.session_add",
        project,
        {"session_id": session.id, "title": title, "slots": slots},
        now=now,
    )
    return session


def update_session(
    staff: User, project_id: int, session_id: int, now: datetime | None = None, **changes
) -> ProjectSession:
    """Staff change a live session (fields of EDITABLE given); its slots never below the members
    signed up (422), in one conditional UPDATE against sign-ups racing in. Those signed up hear
    of a new time or place."""
    now = now or utcnow()
    project = staff_project(staff, project_id)
    session = session_of(project, session_id)
    if session.status != SessionStatus.ACTIVE:
        raise Conflict(_("该场次已取消"))
    values = {name: getattr(session, name) for name in EDITABLE}
    values.update({k: v for k, v in changes.items() if k in EDITABLE and v is not None})
    values["title"], values["location"] = _check(project, **values)
    changed = {k: v for k, v in values.items() if v != getattr(session, k)}
    if not changed:
        return session
    result = db.session.execute(
        sa.update(ProjectSession)
        .where(
            ProjectSession.id == session.id,
            ProjectSession.status == SessionStatus.ACTIVE,
            ProjectSession.signup_count <= values["slots"],
        )
        .values(**changed, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session)
    if result.rowcount != 1:
        if session.status != SessionStatus.ACTIVE:
            raise Conflict(_("该场次已取消"))
        raise Invalid("slots", _("名额不能少于已报名人数（%(n)s）", n=session.signup_count))
    add_event(project.id, "session_edit", staff, note=values["title"], now=now)
    record(
        staff,
        "project.session_edit",
        project,
        {"session_id": session.id, "changed": sorted(changed)},
        now=now,
    )
    if {"starts_at", "ends_at", "location"} & set(changed):
        notify(
            _signed_up(session.id),
            kind="project_session_changed",
            title=SESSION_CHANGED,
            body=f"{project.title} · {values['title']}",
            link=f"/projects/{project.id}",
            now=now,
        )
    return session


def cancel_session(
    staff: User, project_id: int, session_id: int, reason: str, now: datetime | None = None
) -> ProjectSession:
    """Staff cancel a live session: nobody signs up for it any more, its sign-ups stay (credited
    nothing at closing) and those members are told."""
    now = now or utcnow()
    project = staff_project(staff, project_id)
    session = session_of(project, session_id)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason", _("请填写取消原因"))
    if session.status != SessionStatus.ACTIVE:
        raise Conflict(_("该场次已取消"))
    move(
        ProjectSession,
        session,
        SessionStatus.ACTIVE,
        {"status": SessionStatus.CANCELLED, "cancel_reason": reason[:500], "updated_at": now},
    )
    add_event(project.id, "session_cancel", staff, note=f"{session.title}：{reason}", now=now)
    record(staff, "project.session_cancel", project, {"session_id": session.id, "reason": reason}, now=now)
    notify(
        _signed_up(session.id),
        kind="project_session_cancelled",
        title=SESSION_CANCELLED,
        body=f"{project.title} · {session.title}",
        link=f"/projects/{project.id}",
        now=now,
    )
    return session


def _signed_up(session_id: int) -> list[int]:
    return list(
        db.session.scalars(sa.select(ProjectSignup.member_id).where(ProjectSignup.session_id == session_id))
    )


def visible_sessions(viewer: User, project_id: int) -> list[ProjectSession]:
    project, _found = visible_project(viewer, project_id)
    return sessions_of(project.id)
