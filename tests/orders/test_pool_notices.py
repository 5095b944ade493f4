"""New pool needs reach the members they suit (issue 14): an urgent one at once, to the members
of its grid or with a fitting skill, at most POOL_NOTICES_PER_DAY a day each; others do not
interrupt anyone."""
import sqlalchemy as sa

from app.extensions import db
from app.notifications.models import Notification
from app.orders import services
from app.orders.notices import POOL_KIND


def _told(member) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.title).where(
        Notification.user_id == member.id, Notification.kind == POOL_KIND).order_by(Notification.id)))


def _pool_need(world, urgency="urgent", title="独居老人摔倒需要帮忙", category="维修服务", **fields):
    order = services.create_order(world.resident1, title=title, category=category, urgency=urgency, **fields)
    services.dispatch(world.staff1, order.id, to_pool=True)
    return order


def test_an_urgent_pool_need_tells_the_members_of_its_grid_at_once(world, settings):
    _pool_need(world)  # resident1's home grid is none: grid taken from the resident's place
    order = _pool_need(world, title="楼道漏水", grid_id=world.grid1.id)
    assert _told(world.member1) == ["紧急需求等你认领：楼道漏水"]  # grid1
    assert _told(world.member2) == []  # grid2, no fitting skill
    assert _told(world.member3) == []  # another community
    assert db.session.get(type(order), order.id).to_pool


def test_a_fitting_skill_is_enough(world):
    _pool_need(world, title="修电表", category="维修服务", grid_id=world.grid2.id)
    _pool_need(world, title="陪老人理发", category="关爱老人", grid_id=world.grid2.id)
    # member1 (grid1, 特长 理发): the care need fits his skill, the repair does not.
    assert _told(world.member1) == ["紧急需求等你认领：陪老人理发"]
    assert len(_told(world.member2)) == 2  # grid2: both


def test_at_most_a_few_a_day_and_none_for_needs_that_can_wait(world, settings):
    settings(POOL_NOTICES_PER_DAY=2)
    for n in range(3):
        _pool_need(world, title=f"紧急{n}", grid_id=world.grid1.id)
    _pool_need(world, urgency="normal", title="不急的", grid_id=world.grid1.id)
    assert _told(world.member1) == ["紧急需求等你认领：紧急0", "紧急需求等你认领：紧急1"]


def test_needs_that_can_wait_go_into_the_daily_digest_a_few_at_most(world, settings):
    from datetime import timedelta

    from app.clock import local_today, utcnow
    from app.reminders.daily_pass import run_pass
    from app.reminders.models import Reminder, ReminderKind

    settings(POOL_NOTICES_PER_DAY=2)
    _pool_need(world, title="紧急的", grid_id=world.grid1.id)  # told at once: counts for today
    for n in range(3):
        _pool_need(world, urgency="normal", title=f"不急{n}", grid_id=world.grid1.id)
    _pool_need(world, urgency="low", title="别的网格", category="维修服务", grid_id=world.grid2.id)
    now = utcnow() + timedelta(minutes=1)
    summary = run_pass(local_today(now), now)
    texts = list(db.session.scalars(sa.select(Reminder.text).where(
        Reminder.user_id == world.member1.id, Reminder.kind == ReminderKind.POOL_NEED)))
    assert len(texts) == 1 and texts[0].startswith("新需求等你认领：不急2")  # the newest; cap 2 - 1 urgent
    assert summary[ReminderKind.POOL_NEED] >= 1
    digest = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == world.member1.id, Notification.kind == "digest")).one()
    assert "不急2" in digest.body
    assert not db.session.scalars(sa.select(Reminder).where(
        Reminder.user_id == world.member3.id, Reminder.kind == ReminderKind.POOL_NEED)).all()
    assert run_pass(local_today(now), now + timedelta(hours=1))[ReminderKind.POOL_NEED] == 0  # once
