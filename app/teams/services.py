"""服务队: staff (for a community) or a unit's admin (for the unit) form a team with a leader;
the leader adds members; the team claims pool needs and projects as one (through its leader);
a yearly leaderboard of teams by their members' points. Services flush; the request commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_place, place_scope, require_manage_community
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow
from app.database import insert_unique
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.i18n import N_
from app.notifications.services import notify
from app.orders import services as orders
from app.orders.models import Order
from app.params import require_id, valid_id
from app.places.services import get_unit
from app.points.models import PointsTotal
from app.projects import services as projects
from app.registrations.models import UnitRegistration
from app.registrations.services import active_registration
from app.teams.models import Team, TeamClaim, TeamMember

MAX_SPECIALITIES = 10
TEAM_JOINED = N_("您已加入服务队")  # a notification title without stored data
NOTICE_TITLES = (TEAM_JOINED,)


def _member(member_id: int | None, field: str) -> User:
    member = db.session.get(User, member_id) if valid_id(member_id) else None
    if member is None or member.role != Role.MEMBER or not member.is_active:
        raise Invalid(field, _("党员不存在"))
    return member


def _belongs_home(member: User, team_community_id: int | None, team_unit_id: int | None) -> bool:
    """A community team takes the members registered there; a unit team the unit's members."""
    if team_unit_id is not None:
        return member.unit_id == team_unit_id
    reg = active_registration(member.id)
    return reg is not None and reg.community_id == team_community_id


def _require_home(actor: User, community_id: int | None, unit_id: int | None) -> None:
    if (community_id is None) == (unit_id is None):
        raise Invalid("community_id", _("请选择服务队所属社区或单位（二选一）"))
    if community_id is not None:
        if actor.role not in STAFF_LIKE:
            raise Forbidden(_("只有社区工作人员可以组建社区服务队"))
        require_manage_community(actor, community_id)
        return
    get_unit(unit_id)
    if not (actor.role == Role.ADMIN or (actor.role == Role.UNIT_ADMIN and actor.unit_id == unit_id)):
        raise Forbidden(_("只有本单位管理员可以组建单位服务队"))


def create_team(
    actor: User,
    *,
    name: str,
    leader_id: int,
    specialities: list[str] | None = None,
    community_id: int | None = None,
    unit_id: int | None = None,
    description: str = "",
    now: datetime | None = None,
) -> Team:
    """A team of a community (staff over it) or of a unit (its admin); the leader is a member
    of that home and the team's first member. Names are unique (409)."""
    now = now or utcnow()
    _require_home(actor, community_id, unit_id)
    if not name or not name.strip():
        raise Invalid("name", _("请填写服务队名称"))
    leader = _member(leader_id, "leader_id")
    if not _belongs_home(leader, community_id, unit_id):
        raise Invalid("leader_id", _("队长须是本社区报到或本单位的党员"))
    specialities = [s.strip() for s in specialities or [] if s and s.strip()]
    if len(specialities) > MAX_SPECIALITIES:
        raise Invalid("specialities", _("专长最多10项"))
    if db.session.scalar(sa.select(Team.id).where(Team.name == name.strip())) is not None:
        raise Conflict(_("服务队名称已存在"), {"name": [_("服务队名称已存在")]})
    team = Team(
        name=name.strip(),
        leader_id=leader.id,
        specialities=specialities,
        description=(description or "").strip(),
        community_id=community_id,
        unit_id=unit_id,
        member_count=1,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(team)
    db.session.flush()
    db.session.add(TeamMember(team_id=team.id, member_id=leader.id, joined_at=now))
    db.session.flush()
    record(
        actor,
        "team.create",
        team,
        {"name": team.name, "member_id": leader.id, "community_id": community_id, "unit_id": unit_id},
        now=now,
    )
    return team


def _viewable(viewer: User):
    """A WHERE clause: the teams the viewer may see."""
    if viewer.role in STAFF_LIKE:
        reported = sa.select(UnitRegistration.unit_id).where(
            place_scope(viewer, UnitRegistration.community_id)
        )
        return sa.or_(place_scope(viewer, Team.community_id), Team.unit_id.in_(reported))
    if viewer.role == Role.UNIT_ADMIN:
        reported = sa.select(UnitRegistration.community_id).where(UnitRegistration.unit_id == viewer.unit_id)
        return sa.or_(Team.unit_id == viewer.unit_id, Team.community_id.in_(reported))
    if viewer.role == Role.MEMBER:
        reg = active_registration(viewer.id)
        mine = sa.select(TeamMember.team_id).where(TeamMember.member_id == viewer.id)
        return sa.or_(
            Team.community_id == (reg.community_id if reg else -1),
            Team.unit_id == viewer.unit_id,
            Team.id.in_(mine),
        )
    raise Forbidden(_("无权查看服务队"))


def list_teams(viewer: User, *, community_id: int | None = None, unit_id: int | None = None):
    stmt = sa.select(Team).where(_viewable(viewer)).order_by(Team.name, Team.id)
    if community_id:
        stmt = stmt.where(Team.community_id == community_id)
    if unit_id:
        stmt = stmt.where(Team.unit_id == unit_id)
    return stmt


def visible_team(viewer: User, team_id: int) -> Team:
    """404 for an unknown team and for one the viewer may not see."""
    team = db.session.scalar(sa.select(Team).where(Team.id == require_id(team_id, "team"), _viewable(viewer)))
    if team is None:
        raise NotFound(_("服务队不存在"))
    return team


def members_query(team_id: int):
    return (
        sa.select(TeamMember)
        .where(TeamMember.team_id == team_id)
        .order_by(TeamMember.joined_at, TeamMember.member_id)
    )


def members_of(team_id: int) -> list[TeamMember]:
    return list(db.session.scalars(members_query(team_id)))


def add_member(leader: User, team_id: int, member_id: int, now: datetime | None = None) -> TeamMember:
    """The leader adds a member of the team's home (422 on member_id otherwise); twice: 409."""
    now = now or utcnow()
    team = visible_team(leader, team_id)
    if team.leader_id != leader.id:
        raise Forbidden(_("只有队长可以添加队员"))
    member = _member(member_id, "member_id")
    if not _belongs_home(member, team.community_id, team.unit_id):
        raise Invalid("member_id", _("队员须是本社区报到或本单位的党员"))
    row = TeamMember(team_id=team.id, member_id=member.id, joined_at=now)
    insert_unique(row, Conflict(_("已是队员")))
    db.session.execute(
        sa.update(Team)
        .where(Team.id == team.id)
        .values(member_count=Team.member_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(team)
    notify(
        [member.id], kind="team_joined", title=TEAM_JOINED, body=team.name, link=f"/teams/{team.id}", now=now
    )
    return row


def _led_team(leader: User, team_id: int) -> Team:
    team = visible_team(leader, team_id)
    if team.leader_id != leader.id:
        raise Forbidden(_("只有队长可以代表服务队认领"))
    return team


def _record_claim(team: Team, target_type: str, target_id: int, leader: User, now: datetime) -> TeamClaim:
    row = TeamClaim(
        team_id=team.id, target_type=target_type, target_id=target_id, claimed_by_id=leader.id, created_at=now
    )
    db.session.add(row)
    db.session.flush()
    return row


def claim_order(leader: User, team_id: int, order_id: int, now: datetime | None = None) -> TeamClaim:
    """The team takes a pool need as one: its leader claims it (the order's own rules: 409 with
    no slot left), and the claim is the team's."""
    now = now or utcnow()
    team = _led_team(leader, team_id)
    orders.claim(leader, order_id, now=now)
    return _record_claim(team, "order", order_id, leader, now)


def claim_project(leader: User, team_id: int, project_id: int, now: datetime | None = None) -> TeamClaim:
    """The team claims a place on a project as one (its leader claims under the team's name)."""
    now = now or utcnow()
    team = _led_team(leader, team_id)
    claim = projects.claim_project(leader, project_id, team_name=team.name, now=now)
    return _record_claim(team, "project", claim.project_id, leader, now)


def claims_of(team_id: int) -> dict[str, list]:
    """The orders and projects the team claimed, newest first."""
    rows = list(
        db.session.scalars(
            sa.select(TeamClaim).where(TeamClaim.team_id == team_id).order_by(TeamClaim.created_at.desc())
        )
    )
    order_ids = [r.target_id for r in rows if r.target_type == "order"]
    project_ids = [r.target_id for r in rows if r.target_type == "project"]
    found_orders = (
        db.session.scalars(sa.select(Order).where(Order.id.in_(order_ids))).all() if order_ids else []
    )
    found_projects = projects.projects_by_ids(project_ids)
    return {"orders": list(found_orders), "projects": found_projects}


def leaderboard(viewer: User, year: int, *, community_id: int | None = None, limit: int = 50) -> list[dict]:
    """The teams the viewer may see, ranked by their members' points in `year` (then claims,
    then name); one grouped query."""
    points = (
        sa.select(TeamMember.team_id, sa.func.coalesce(sa.func.sum(PointsTotal.total), 0).label("points"))
        .select_from(TeamMember)
        .outerjoin(
            PointsTotal, sa.and_(PointsTotal.member_id == TeamMember.member_id, PointsTotal.year == year)
        )
        .group_by(TeamMember.team_id)
        .subquery()
    )
    claims = (
        sa.select(TeamClaim.team_id, sa.func.count().label("claims")).group_by(TeamClaim.team_id).subquery()
    )
    stmt = (
        sa.select(Team, sa.func.coalesce(points.c.points, 0), sa.func.coalesce(claims.c.claims, 0))
        .outerjoin(points, points.c.team_id == Team.id)
        .outerjoin(claims, claims.c.team_id == Team.id)
        .where(_viewable(viewer))
        .order_by(
            sa.func.coalesce(points.c.points, 0).desc(),
            sa.func.coalesce(claims.c.claims, 0).desc(),
            Team.name,
            Team.id,
        )
        .limit(limit)
    )
    if community_id:
        stmt = stmt.where(Team.community_id == community_id)
    return [
        {"rank": n, "team": team, "points": int(total), "claims": int(count)}
        for n, (team, total, count) in enumerate(db.session.execute(stmt).all(), start=1)
    ]


def teams_for_order(order: Order, limit: int = 3) -> list[Team]:
    """Teams of the order's community whose specialities name its category (a suggestion on
    the candidate ranking)."""
    teams = db.session.scalars(
        sa.select(Team)
        .where(Team.community_id == order.community_id)
        .order_by(Team.member_count.desc(), Team.id)
    ).all()
    return [t for t in teams if any(s in order.category or order.category in s for s in t.specialities)][
        :limit
    ]


def can_manage(viewer: User, team: Team) -> bool:
    """Staff over a community team's community, a unit team's admin."""
    if team.community_id is not None:
        return viewer.role in STAFF_LIKE and can_manage_place(viewer, team.community)
    return viewer.role == Role.ADMIN or (viewer.role == Role.UNIT_ADMIN and viewer.unit_id == team.unit_id)
