"""The project and claim lifecycles as data: who may do what from which state, and the one
function that moves a row (a conditional UPDATE on the expected status plus a timeline event).

Project:
    open --claim (last place)--> full --release (a claim declined / withdrawn)--> open
    open | full --close--> closed        open | full --cancel--> cancelled
    open | full: signup, unsign (a member cancels his sign-up), session (staff add, edit or
    cancel a session), update (no state change)
Claim (one unit's place on a project):
    pending --accept--> accepted     pending --decline--> declined
    pending | accepted --withdraw--> withdrawn       accepted --deliver (the project closes)--> delivered

How a request is judged (authorize): an action none of the caller's parties ever allows is 403;
no transition from the current state is 409; a transition that exists for other parties only
is 403."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import Conflict, Forbidden
from app.extensions import db
from app.i18n import N_
from app.projects.models import ClaimStatus, Project, ProjectClaim, ProjectEvent, ProjectStatus

S = ProjectStatus
C = ClaimStatus


class Action(StrEnum):
    POST = "post"  # no transition: the project is created open
    CLAIM = "claim"  # 认领 (a unit takes a place)
    RELEASE = "release"  # a place comes free again (its claim declined or withdrawn)
    SIGNUP = "signup"  # a member takes a slot, of the project or of a session (no state change)
    UNSIGN = "unsign"  # a member gives his slot back before it starts (no state change)
    SESSION = "session"  # staff add, edit or cancel a session (场次) (no state change)
    UPDATE = "update"  # a progress note (no state change)
    CLOSE = "close"  # 结项
    CANCEL = "cancel"


class ClaimAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    DELIVER = "deliver"  # by the project's closing, never by a request of its own


class Party(StrEnum):
    """How a user stands to one project (a user may be several at once)."""

    STAFF = "staff"  # staff, street or district admin over its community
    UNIT = "unit"  # an admin of a unit the project is offered to (or that claimed it)
    CLAIMANT = "claimant"  # an admin of a unit (or the leader of a team) holding a live claim
    MEMBER = "member"  # a member who may sign up (its community, or a claiming unit)
    SYSTEM = "system"  # the service itself (delivering claims at closing)


@dataclass(frozen=True)
class Transition:
    to: str | None  # None: the state stays (or, for CLAIM, becomes full on the last place)
    parties: frozenset[Party]


def _t(to, *parties) -> Transition:
    return Transition(to, frozenset(parties))


P = Party
# (project state, action) -> (next state, who may)
TRANSITIONS: dict[tuple[ProjectStatus, Action], Transition] = {
    (S.OPEN, Action.CLAIM): _t(None, P.UNIT),
    (S.OPEN, Action.SIGNUP): _t(None, P.MEMBER),
    (S.OPEN, Action.UNSIGN): _t(None, P.MEMBER),
    (S.OPEN, Action.SESSION): _t(None, P.STAFF),
    (S.OPEN, Action.UPDATE): _t(None, P.STAFF, P.CLAIMANT),
    (S.OPEN, Action.CLOSE): _t(S.CLOSED, P.STAFF),
    (S.OPEN, Action.CANCEL): _t(S.CANCELLED, P.STAFF),
    (S.FULL, Action.RELEASE): _t(S.OPEN, P.STAFF, P.CLAIMANT),
    (S.FULL, Action.SIGNUP): _t(None, P.MEMBER),
    (S.FULL, Action.UNSIGN): _t(None, P.MEMBER),
    (S.FULL, Action.SESSION): _t(None, P.STAFF),
    (S.FULL, Action.UPDATE): _t(None, P.STAFF, P.CLAIMANT),
    (S.FULL, Action.CLOSE): _t(S.CLOSED, P.STAFF),
    (S.FULL, Action.CANCEL): _t(S.CANCELLED, P.STAFF),
}
# (claim state, action) -> (next claim state, who may)
CLAIM_TRANSITIONS: dict[tuple[ClaimStatus, ClaimAction], Transition] = {
    (C.PENDING, ClaimAction.ACCEPT): _t(C.ACCEPTED, P.STAFF),
    (C.PENDING, ClaimAction.DECLINE): _t(C.DECLINED, P.STAFF),
    (C.PENDING, ClaimAction.WITHDRAW): _t(C.WITHDRAWN, P.CLAIMANT),
    (C.ACCEPTED, ClaimAction.WITHDRAW): _t(C.WITHDRAWN, P.CLAIMANT),
    (C.ACCEPTED, ClaimAction.DELIVER): _t(C.DELIVERED, P.SYSTEM),
}


def _parties_of(table) -> dict:
    parties: dict = {}
    for (_state, action), transition in table.items():
        parties[action] = parties.get(action, frozenset()) | transition.parties
    return parties


ACTION_PARTIES = _parties_of(TRANSITIONS)
CLAIM_ACTION_PARTIES = _parties_of(CLAIM_TRANSITIONS)

STATUS_LABELS = {
    S.OPEN: N_("招募中"),
    S.FULL: N_("认领已满"),
    S.CLOSED: N_("已结项"),
    S.CANCELLED: N_("已取消"),
}
CLAIM_LABELS = {
    C.PENDING: N_("待确认"),
    C.ACCEPTED: N_("已确认"),
    C.DECLINED: N_("未获确认"),
    C.WITHDRAWN: N_("已撤回"),
    C.DELIVERED: N_("已完成"),
}
ACTION_LABELS = {
    Action.POST: N_("发布项目"),
    Action.CLAIM: N_("认领"),
    Action.RELEASE: N_("释放认领名额"),
    Action.SIGNUP: N_("报名"),
    Action.UNSIGN: N_("取消报名"),
    Action.SESSION: N_("场次"),
    Action.UPDATE: N_("进展"),
    Action.CLOSE: N_("结项"),
    Action.CANCEL: N_("取消"),
    ClaimAction.ACCEPT: N_("确认认领"),
    ClaimAction.DECLINE: N_("不予确认"),
    ClaimAction.WITHDRAW: N_("撤回认领"),
    ClaimAction.DELIVER: N_("完成认领"),
    # timeline events of Action.SESSION, by what was done to the session
    "session_add": N_("新增场次"),
    "session_edit": N_("修改场次"),
    "session_cancel": N_("取消场次"),
}


def _judge(parties: set[Party], action, state, table, action_parties, labels) -> Transition:
    if not parties & action_parties.get(action, frozenset()):
        raise Forbidden(_("无权进行此操作"))
    found = table.get((state, action))
    if found is None:
        raise Conflict(
            _(
                "当前状态为「%(state)s」，不能%(action)s",
                state=_(labels[state]),
                action=_(ACTION_LABELS[action]),
            )
        )
    if not parties & found.parties:
        raise Forbidden(_("此状态下您不能进行此操作"))
    return found


def authorize(parties: set[Party], project: Project, action: Action) -> Transition:
    """The transition `action` takes the project through for a caller standing to it as
    `parties` (who may see it: the caller checked). 403 / 409 as in the module docstring."""
    return _judge(parties, action, ProjectStatus(project.status), TRANSITIONS, ACTION_PARTIES, STATUS_LABELS)


def authorize_claim(parties: set[Party], claim: ProjectClaim, action: ClaimAction) -> Transition:
    return _judge(
        parties, action, ClaimStatus(claim.status), CLAIM_TRANSITIONS, CLAIM_ACTION_PARTIES, CLAIM_LABELS
    )


def allowed_actions(parties: set[Party], project: Project) -> list[Action]:
    """The project actions the caller could take now (for pages and the API's `actions`)."""
    return [
        action
        for (state, action), found in TRANSITIONS.items()
        if state == project.status and parties & found.parties
    ]


def add_event(
    project_id: int,
    action,
    actor,
    *,
    now: datetime,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str = "",
    claim_id: int | None = None,
) -> ProjectEvent:
    event = ProjectEvent(
        project_id=project_id,
        claim_id=claim_id,
        at=now,
        action=str(action),
        actor_id=getattr(actor, "id", None),
        from_status=from_status,
        to_status=to_status,
        note=(note or "")[:1000],
    )
    db.session.add(event)
    return event


def move(model, row, expected: str, changes: dict, where: tuple = ()) -> None:
    """UPDATE model SET changes WHERE id = row.id AND status = :expected (AND where): the row
    someone else moved first is a 409, so two racing requests never both move it."""
    result = db.session.execute(
        sa.update(model)
        .where(model.id == row.id, model.status == expected, *where)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("已被他人更新，请刷新后重试"))
    db.session.expire(row)


def transition(
    project: Project, action: Action, actor, *, now: datetime, note: str = "", values: dict | None = None
) -> ProjectEvent:
    """Moves the project along TRANSITIONS[(its status, action)] (a conditional UPDATE) and
    writes the event."""
    found = TRANSITIONS.get((ProjectStatus(project.status), action))
    if found is None or found.to is None:
        raise Conflict(_("当前状态不能进行此操作"))
    expected = project.status
    move(Project, project, expected, {"status": found.to, "updated_at": now, **(values or {})})
    return add_event(project.id, action, actor, from_status=expected, to_status=found.to, note=note, now=now)


def claim_transition(
    claim: ProjectClaim,
    action: ClaimAction,
    actor,
    *,
    now: datetime,
    note: str = "",
    values: dict | None = None,
) -> ProjectEvent:
    found = CLAIM_TRANSITIONS.get((ClaimStatus(claim.status), action))
    if found is None:
        raise Conflict(_("当前状态不能进行此操作"))
    expected = claim.status
    move(ProjectClaim, claim, expected, {"status": found.to, **(values or {})})
    return add_event(
        claim.project_id,
        action,
        actor,
        from_status=expected,
        to_status=found.to,
        note=note,
        now=now,
        claim_id=claim.id,
    )
