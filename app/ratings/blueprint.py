"""The ratings pages' blueprint, shared by views.py (members' ratings, letters, publicity),
unit_views.py (units' ratings, department performance) and admin_views.py (thresholds,
statistics), and what their pages pick alike: the years offered, the unit admin's own unit, the
community a staff page shows."""
from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from app.clock import this_year
from app.errors import NotFound
from app.params import query_id
from app.places.services import communities_in_scope
from app.ratings.models import LEVEL_LABELS, LEVEL_ORDER

bp = Blueprint("ratings", __name__)
# Globals (not a context processor) so that imported template macros see them too.
bp.record_once(lambda state: state.app.jinja_env.globals.update(LEVEL_LABELS=LEVEL_LABELS,
                                                                 LEVELS=LEVEL_ORDER))


def _years() -> list[int]:
    this = this_year()
    return list(range(this, this - 5, -1))


def own_unit_id() -> int:
    """The signed-in unit admin's unit (his home pages): 404 for an account without one."""
    if not current_user.unit_id:
        raise NotFound(_("您的账号未关联单位"))
    return current_user.unit_id


def chosen_community() -> tuple[list, int | None]:
    """(the communities in the staff's scope, the one asked for by `community_id`, else the
    first of them; None when there is none)."""
    communities = communities_in_scope(current_user)
    return communities, query_id("community_id") or (communities[0].id if communities else None)
