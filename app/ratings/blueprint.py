"""The ratings pages' blueprint, shared by views.py (ratings, letters, publicity) and
admin_views.py (thresholds, statistics), and the year a page shows."""
from flask import Blueprint

from app.clock import this_year
from app.ratings.models import LEVEL_LABELS, LEVEL_ORDER

bp = Blueprint("ratings", __name__)
# Globals (not a context processor) so that imported template macros see them too.
bp.record_once(lambda state: state.app.jinja_env.globals.update(LEVEL_LABELS=LEVEL_LABELS,
                                                                 LEVELS=LEVEL_ORDER))


def _years() -> list[int]:
    this = this_year()
    return list(range(this, this - 5, -1))
