"""The audit record: what the lower layers announce is recorded (they never import audit), who
may read which entries, and the detail in words."""
import pytest
import sqlalchemy as sa

from app.audit.labels import VALUE_LABELS, action_label, describe
from app.audit.models import AuditEntry
from app.audit.services import record, visible_entries
from app.auth.models import Role
from app.auth.services import create_user
from app.extensions import db
from app.places.services import create_place, create_unit
from tests.conftest import count
from tests.factories import PASSWORD


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_accounts_places_and_units_created_by_someone_are_recorded(world):
    user = create_user(username="new_staff", password=PASSWORD, name="新人", role=Role.STAFF,
                       place_id=world.comm1.id, created_by=world.admin)
    place = create_place(kind="grid", name="第三网格", parent_id=world.comm1.id, actor=world.admin)
    unit = create_unit(name="区图书馆", kind="institution", actor=world.admin)
    [u], [p], [n] = entries("user.create"), entries("place.create"), entries("unit.create")
    assert (u.actor_id, u.target_type, u.target_id, u.detail) == (
        world.admin.id, "user", user.id, {"role": "staff", "username": "new_staff"})
    assert (p.target_type, p.target_id, p.detail) == ("place", place.id, {"kind": "grid", "name": "第三网格"})
    assert (n.target_type, n.target_id, n.detail) == ("unit", unit.id, {"name": "区图书馆"})


def test_what_nobody_did_is_not_recorded(world):
    before = count(AuditEntry)
    create_user(username="signup_like", password=PASSWORD, name="自己", role=Role.RESIDENT,
                place_id=world.comm1.id)
    create_place(kind="grid", name="第四网格", parent_id=world.comm1.id)
    assert count(AuditEntry) == before


@pytest.mark.parametrize("who, sees", [
    ("admin", {"admin", "street_admin", "staff1", "staff3"}),
    ("street_admin", {"street_admin", "staff1"}),  # street1: comm1 and comm2, not comm3
    ("staff1", set()), ("member1", set()), ("unit_admin1", set()), ("resident1", set()),
])
def test_who_reads_which_entries(world, who, sees):
    for actor in ("admin", "street_admin", "staff1", "staff3"):
        record(getattr(world, actor), "points.adjust", None, {"reason": actor})
    db.session.flush()
    found = {e.detail["reason"] for e in db.session.scalars(visible_entries(getattr(world, who)))}
    assert found == sees


def test_the_detail_reads_in_words_with_the_levels_ratings_registered():
    assert set(VALUE_LABELS) >= {"level", "old_level", "new_level"}  # ratings registered them
    detail = {"level": "excellent", "is_public": True, "name": "仓边"}
    assert describe(detail) == "等次: 优秀 · 双公示: 是 · 名称: 仓边"
    assert action_label("order.claim") == "领单" and action_label("no.such") == "no.such"
    assert describe({"note": "长" * 300}).endswith("…") and len(describe({"note": "长" * 300})) == 160
