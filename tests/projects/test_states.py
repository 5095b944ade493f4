"""The project and claim lifecycles, written out by hand (not derived from
app/projects/states.py): every action in every state for every party: allowed (and where it
leads), 403 (never for this party, or not in this state) or 409 (no such move from here). Then
the one conditional UPDATE that moves a row: a stale state is a 409 and changes nothing."""

from __future__ import annotations

import pytest

from app.errors import Conflict, Forbidden
from app.extensions import db
from app.projects import states
from app.projects.models import ClaimStatus, Project, ProjectClaim, ProjectEvent, ProjectStatus
from app.projects.states import Action, ClaimAction, Party
from tests.conftest import count

P = Party
STAFF, UNIT, CLAIMANT, MEMBER, SYSTEM = P.STAFF, P.UNIT, P.CLAIMANT, P.MEMBER, P.SYSTEM
STAY = "stay"  # allowed, the state does not change (a claim that is not the last place: open)

# (state, action): (parties allowed, next state). Absent: 409 for whoever may take the action.
PROJECT = {
    ("open", "claim"): ({UNIT}, STAY),
    ("open", "signup"): ({MEMBER}, STAY),
    ("open", "unsign"): ({MEMBER}, STAY),
    ("open", "session"): ({STAFF}, STAY),
    ("open", "update"): ({STAFF, CLAIMANT}, STAY),
    ("open", "close"): ({STAFF}, "closed"),
    ("open", "cancel"): ({STAFF}, "cancelled"),
    ("full", "release"): ({STAFF, CLAIMANT}, "open"),
    ("full", "signup"): ({MEMBER}, STAY),
    ("full", "unsign"): ({MEMBER}, STAY),
    ("full", "session"): ({STAFF}, STAY),
    ("full", "update"): ({STAFF, CLAIMANT}, STAY),
    ("full", "close"): ({STAFF}, "closed"),
    ("full", "cancel"): ({STAFF}, "cancelled"),
}
# Who may ever take each action (anyone else: 403 whatever the state).
PROJECT_EVER = {
    "claim": {UNIT},
    "release": {STAFF, CLAIMANT},
    "signup": {MEMBER},
    "unsign": {MEMBER},
    "session": {STAFF},
    "update": {STAFF, CLAIMANT},
    "close": {STAFF},
    "cancel": {STAFF},
}
CLAIM = {
    ("pending", "accept"): ({STAFF}, "accepted"),
    ("pending", "decline"): ({STAFF}, "declined"),
    ("pending", "withdraw"): ({CLAIMANT}, "withdrawn"),
    ("accepted", "withdraw"): ({CLAIMANT}, "withdrawn"),
    ("accepted", "deliver"): ({SYSTEM}, "delivered"),
}
CLAIM_EVER = {"accept": {STAFF}, "decline": {STAFF}, "withdraw": {CLAIMANT}, "deliver": {SYSTEM}}


def _expected(table, ever, state, action, party):
    if party not in ever[action]:
        return 403
    if (state, action) not in table:
        return 409
    allowed, to = table[(state, action)]
    return to if party in allowed else 403


def _outcome(call):
    try:
        found = call()
    except Forbidden:
        return 403
    except Conflict:
        return 409
    return found.to or STAY


@pytest.mark.parametrize("party", list(Party))
@pytest.mark.parametrize("action", [a for a in Action if a != Action.POST])
@pytest.mark.parametrize("state", list(ProjectStatus))
def test_every_project_action_in_every_state_for_every_party(state, action, party):
    project = Project(status=state, claimed_places=0, places=1, signup_count=0, slots=1)
    got = _outcome(lambda: states.authorize({party}, project, action))
    assert got == _expected(PROJECT, PROJECT_EVER, state, action, party)


@pytest.mark.parametrize("party", list(Party))
@pytest.mark.parametrize("action", list(ClaimAction))
@pytest.mark.parametrize("state", list(ClaimStatus))
def test_every_claim_action_in_every_state_for_every_party(state, action, party):
    claim = ProjectClaim(status=state)
    got = _outcome(lambda: states.authorize_claim({party}, claim, action))
    assert got == _expected(CLAIM, CLAIM_EVER, state, action, party)


def test_the_tables_here_cover_the_code_tables():
    assert {(s.value, a.value) for s, a in states.TRANSITIONS} == set(PROJECT)
    assert {(s.value, a.value) for s, a in states.CLAIM_TRANSITIONS} == set(CLAIM)


def test_allowed_actions_name_what_the_party_may_do_now():
    assert states.allowed_actions({MEMBER}, Project(status="open")) == [Action.SIGNUP, Action.UNSIGN]
    assert set(states.allowed_actions({STAFF}, Project(status="full"))) == {
        Action.RELEASE,
        Action.SESSION,
        Action.UPDATE,
        Action.CLOSE,
        Action.CANCEL,
    }
    assert states.allowed_actions({STAFF, UNIT, MEMBER}, Project(status="closed")) == []


def test_a_stale_state_is_a_conflict_and_changes_nothing(cob, now):
    project = cob.project
    states.transition(project, Action.CLOSE, cob.staff1, now=now)
    before = count(ProjectEvent)
    with pytest.raises(Conflict):  # what a racing request that read it open would do
        states.move(Project, project, ProjectStatus.OPEN, {"status": ProjectStatus.CANCELLED})
    db.session.refresh(project)
    assert project.status == ProjectStatus.CLOSED and count(ProjectEvent) == before
