"""The workbench page: to-do tiles linking to the filtered queues, and the grouped menu."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user

from app import nav
from app.auth.permissions import roles_required
from app.auth.roles import STAFF_LIKE
from app.i18n import N_
from app.workbench.services import to_do_counts

bp = Blueprint("workbench", __name__)
nav.add(N_("工作台"), "workbench.home", STAFF_LIKE, order=1)

# (count key, label, the queue it opens: endpoint and parameters, css class when not zero)
TILES = [
    ("registrations", N_("待审核报到"), ("registrations.queue", {"status": "pending"}), "todo"),
    ("submitted", N_("待派单"), ("orders.board", {"status": "submitted"}), "todo"),
    ("due_soon", N_("即将超期"), ("orders.board", {"status": "open", "due_soon": 1}), "todo"),
    ("overdue", N_("已超期"), ("orders.board", {"status": "open", "overdue": 1}), "late"),
    ("records", N_("服务待核"), ("service.queue", {}), "todo"),
    ("suggestions", N_("建议待处理"), ("service.queue", {"_anchor": "suggestions"}), "todo"),
    ("to_rate", N_("待评价"), ("orders.board", {"status": "completed"}), "todo"),
]
TILE_LABELS = frozenset(label for _key, label, _target, _cls in TILES)


@bp.get("/workbench")
@roles_required(*STAFF_LIKE)
def home():
    counts = to_do_counts(current_user)
    tiles = [{"key": key, "label": label, "count": counts[key], "cls": cls if counts[key] else "zero",
              "url": url_for(endpoint, **args)}
             for key, label, (endpoint, args), cls in TILES if endpoint in current_app.view_functions]
    return render_template("workbench/home.html", tiles=tiles, tile_labels=TILE_LABELS,
                           groups=nav.groups_for(current_user, current_app))
