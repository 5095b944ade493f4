"""Residents' services: addresses in bulk, sign-up by phone, the walk-in resident."""
import pytest
import sqlalchemy as sa

from app.auth import sms
from app.auth.models import Role, User
from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.residents import services
from app.residents.models import ResidentProfile
from tests.conftest import count


def test_save_addresses_inserts_the_missing_and_updates_the_changed(world):
    services.save_addresses({world.resident1.id: "仓边路1号"})
    services.save_addresses({world.resident1.id: "仓边路2号", world.resident2.id: "光孝路3号"})
    assert services.addresses_of([world.resident1.id, world.resident2.id]) == {
        world.resident1.id: "仓边路2号", world.resident2.id: "光孝路3号"}
    assert count(ResidentProfile) == 2
    assert services.addresses_of([]) == {}


def test_signup_spends_the_code_and_scopes_the_resident_to_his_grid(world):
    _phone, code = sms.issue_code("13912340000", "127.0.0.1")
    user = services.signup(phone="13912340000", code=code, name=" 李阿姨 ", community_id=world.comm1.id,
                           grid_id=world.grid2.id, address="仓边路8号")
    assert (user.role, user.name, user.place_id) == (Role.RESIDENT, "李阿姨", world.grid2.id)
    assert services.addresses_of([user.id]) == {user.id: "仓边路8号"}
    assert sms.use_code("13912340000", code) is None  # spent


@pytest.mark.parametrize("change, field", [
    ({"name": " "}, "name"),
    ({"address": ""}, "address"),
    ({"community_id": 10**6}, "community_id"),
    ({"grid_id": "other"}, "grid_id"),  # a grid of another community
    ({"code": "000000"}, "code"),
])
def test_signup_refuses_bad_input_naming_the_field_and_writes_nothing(world, change, field):
    _phone, code = sms.issue_code("13912340001", "127.0.0.1")
    values = {"phone": "13912340001", "code": code, "name": "李阿姨", "community_id": world.comm1.id,
              "grid_id": None, "address": "仓边路8号"}
    values.update({k: world.grid3.id if v == "other" else v for k, v in change.items()})
    users = count(User)
    with pytest.raises(Invalid) as err:
        services.signup(**values)
    assert err.value.field == field
    assert count(User) == users


def test_signup_with_a_phone_that_has_an_account_is_a_conflict(world):
    _phone, code = sms.issue_code(world.member1.phone, "127.0.0.1")
    with pytest.raises(Conflict) as err:
        services.signup(phone=world.member1.phone, code=code, name="李阿姨", community_id=world.comm1.id,
                        address="仓边路8号")
    assert "phone" in err.value.errors


def test_walk_in_finds_or_creates_the_resident_in_the_staff_members_community(world):
    first = services.walk_in(world.staff1, community_id=world.comm1.id, name="王大爷", phone="137 1234 0000")
    again = services.walk_in(world.staff1, community_id=world.comm1.id, name="王大爷", phone="13712340000")
    assert first.id == again.id and (first.role, first.place_id) == (Role.RESIDENT, world.comm1.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                             .where(User.phone == "13712340000")) == 1


def test_walk_in_outside_scope_or_with_a_bad_phone_is_refused(world):
    with pytest.raises(Forbidden):
        services.walk_in(world.staff3, community_id=world.comm1.id, name="王", phone="13712340000")
    for phone in ("12", world.member1.phone):  # malformed; another kind of account's phone
        with pytest.raises(Invalid) as err:
            services.walk_in(world.staff1, community_id=world.comm1.id, name="王", phone=phone)
        assert err.value.field == "resident"
