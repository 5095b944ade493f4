"""Places services: the tree, its checks, and the places inside a viewer's scope."""
import pytest

from app.errors import Conflict, Invalid
from app.places.models import Place
from app.places.services import (
    communities_in_scope,
    create_place,
    create_unit,
    first_place_in_scope,
    places_in_scope,
)
from app.places.signals import unit_facts
from app.registrations.units import register_unit
from tests.conftest import count


def test_a_place_gets_its_path_under_its_parent(world):
    grid = create_place(kind="grid", name="第九网格", parent_id=world.comm3.id)
    assert grid.path == f"{world.comm3.path}{grid.id}/" and grid.is_within(world.street2)


@pytest.mark.parametrize("kind, parent, field", [
    ("county", None, "kind"), ("district", "district", "parent_id"), ("grid", "street1", "parent_id"),
    ("community", None, "parent_id"),
])
def test_a_place_in_the_wrong_spot_names_the_field_and_writes_nothing(world, kind, parent, field):
    before = count(Place)
    with pytest.raises(Invalid) as err:
        create_place(kind=kind, name="新地区", parent_id=getattr(world, parent).id if parent else None)
    assert err.value.field == field and count(Place) == before


def test_unit_names_are_unique(world):
    with pytest.raises(Conflict):
        create_unit(name=world.unit1.name, kind="agency")
    with pytest.raises(Invalid):
        create_unit(name="新单位", kind="shop")


@pytest.mark.parametrize("who, kinds, names", [
    ("admin", ("community",), ["仓边社区", "都府社区", "光孝社区"]),
    ("street_admin", ("community",), ["仓边社区", "都府社区"]),
    ("staff3", ("community",), ["光孝社区"]),
    ("street_admin", ("street", "district"), ["北京街道"]),
    ("member1", ("community",), []), ("unit_admin1", ("community",), []),
])
def test_places_in_scope(world, who, kinds, names):
    assert [p.name for p in places_in_scope(getattr(world, who), *kinds)] == names


def test_limits_and_the_first_place(world):
    assert len(places_in_scope(world.admin, "community", limit=2)) == 2
    assert len(communities_in_scope(world.admin)) == 3
    assert first_place_in_scope(world.admin, "street") == world.street1.id
    assert first_place_in_scope(world.staff1, "street") is None


def test_the_unit_list_learns_its_counts_from_registrations(world):
    assert unit_facts([world.unit1.id, world.unit2.id]) == {}
    register_unit(unit=world.unit1, community_id=world.comm1.id, resources=["义诊"], actor=world.admin)
    register_unit(unit=world.unit1, community_id=world.comm3.id, resources=["义诊"], actor=world.admin)
    assert unit_facts([world.unit1.id, world.unit2.id]) == {world.unit1.id: 2}
