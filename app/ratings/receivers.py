"""Ratings registers with the domains below it: the words the audit page shows for levels, and
the units' need tallies following every order transition."""
from app.audit.labels import register_value_labels
from app.orders.signals import order_moved
from app.ratings import need_tally
from app.ratings.models import LEVEL_LABELS

register_value_labels(("level", "old_level", "new_level"), LEVEL_LABELS)


@order_moved.connect
def _follow_order(sender, order, before, actor, action, now, **_):
    need_tally.recount(need_tally.keys_of_move(order, before, actor, action, now))
