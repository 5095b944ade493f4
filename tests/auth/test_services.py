"""Auth services and permissions at the seams: what auth asks registrations (answered through
signals, auth never imports it) and the per-request cache of the staff scope."""
import pytest

from app.auth.models import Role
from app.auth.permissions import can_manage_member, can_view_member, members_in_staff_scope
from app.auth.services import create_user, user_scope
from app.errors import Conflict, Invalid
from app.extensions import db
from app.registrations.models import Registration, RegistrationStatus
from tests.factories import PASSWORD
from tests.sql import counting_statements


def test_a_members_scope_is_his_approved_community(world):
    assert user_scope(world.member1)["community_id"] == world.comm1.id
    assert user_scope(world.staff3)["community_id"] == world.comm3.id  # staff: his place
    assert user_scope(world.newbie)["community_id"] is None


def test_a_pending_registration_lets_staff_see_the_member_not_manage_him(world):
    reg = db.session.query(Registration).filter_by(member_id=world.member3.id).one()
    reg.status, reg.community_id = RegistrationStatus.PENDING, world.comm1.id
    db.session.flush()
    assert can_view_member(world.staff1, world.member3) and not can_manage_member(world.staff1, world.member3)
    assert not can_view_member(world.staff3, world.member3)
    assert can_manage_member(world.staff1, world.member1)
    assert not can_manage_member(world.staff3, world.member1)


def test_the_staff_scope_is_asked_once_per_request(app, world):
    with app.test_request_context("/"):
        first = members_in_staff_scope(world.staff1)
        with counting_statements() as seen:
            again = members_in_staff_scope(world.staff1)
    assert first == again == {world.member1.id, world.member2.id} and seen == []
    with app.app_context(), app.test_request_context("/"), counting_statements() as seen:  # next request
        assert members_in_staff_scope(world.staff1) == first
    assert seen


@pytest.mark.parametrize("values, field", [
    ({"role": "nobody"}, "role"), ({"username": "x"}, "username"), ({"password": "short"}, "password"),
    ({"role": Role.STAFF, "place_id": None}, "place_id"), ({"role": Role.UNIT_ADMIN}, "unit_id"),
])
def test_bad_accounts_name_the_field_and_write_nothing(world, values, field):
    kw = {"username": "someone", "password": PASSWORD, "name": "某人", "role": Role.RESIDENT,
          "place_id": world.comm1.id, **values}
    with pytest.raises(Invalid) as err:
        create_user(**kw)
    assert err.value.field == field


def test_a_taken_username_is_409(world):
    with pytest.raises(Conflict):
        create_user(username=world.staff1.username, password=PASSWORD, name="重名",
                    role=Role.RESIDENT, place_id=world.comm1.id)
