"""Jinja filters and globals shared by every page."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from app.auth.permissions import visible_phone
from app.auth.roles import STAFF_LIKE
from app.clock import LOCAL_TZ
from app.i18n import N_, label
from app.nav import groups_for, items_for
from app.nav import labels as menu_labels
from app.redirects import back_url

ROLE_LABELS = {
    "member": N_("在职党员"), "resident": N_("居民"), "staff": N_("社区工作人员"),
    "unit_admin": N_("单位管理员"), "street_admin": N_("街道/区管理员"), "admin": N_("系统管理员"),
}
STATUS_LABELS = {
    "pending": N_("待审核"), "approved": N_("已通过"), "rejected": N_("未通过"), "transferred": N_("已转移"),
}

# The member's bottom tab bar on phones: (endpoint, icon in static/icons, label).
MEMBER_TABS = (
    ("registrations.member_home", "home", N_("首页")), ("activities.index", "activities", N_("活动")),
    ("orders.member_orders", "needs", N_("需求")), ("notifications.inbox", "messages", N_("消息")),
    ("points.my_points", "me", N_("我的")),
)
TAB_LABELS = frozenset(label for _, _, label in MEMBER_TABS)


def tabs_for(user, app: Flask) -> tuple:
    if not getattr(user, "is_authenticated", False) or user.role != "member":
        return ()
    return tuple(tab for tab in MEMBER_TABS if tab[0] in app.view_functions)


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime(fmt)


def map_url(address: str | None) -> str:
    """The map link of an address, from the `MAP_URL_TEMPLATE` setting ("" without address)."""
    if not address:
        return ""
    return current_app.config["MAP_URL_TEMPLATE"].replace("{address}", quote(address, safe=""))


def tel_url(phone: str | None) -> str:
    """`tel:` + the number, or "" for no number or a masked one (it cannot be dialled)."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    return f"tel:{digits}" if digits and "*" not in (phone or "") else ""


def label_filter(key, labels, context: str | None = None) -> Markup:
    """`{{ key|label(TABLE) }}`: the one way a template shows a stored key (app.i18n.label),
    always escaped."""
    return escape(label(key, labels, context))


MENU_CACHE_SIZE = 4096  # fragments kept per app: roles x languages x pages, far fewer in use


@pass_context
def site_menu(context, template: str) -> Markup:
    """base.html's menu and tab bar (`template`), rendered once per role, language, page and
    script root, then kept for the app: they show constants only (N_ labels, URLs of views
    without arguments), and rendering them cost a staff page ~9,000 Python calls (two menus of
    15-20 entries, each a url_for and a label look-up)."""
    key = (template, getattr(current_user, "role", None), context.get("current_locale"),
           request.endpoint, request.script_root)
    cache = current_app.extensions.setdefault("site_menu", {})
    html = cache.get(key)
    if html is None:
        app = current_app._get_current_object()
        html = Markup(context.environment.get_template(template).render(
            context.get_all(), nav_items=items_for(current_user, app),
            nav_groups=lambda: groups_for(current_user, app)))
        if len(cache) >= MENU_CACHE_SIZE:
            cache.clear()
        cache[key] = html
    return html


def register(app: Flask) -> None:
    app.jinja_env.filters["label"] = label_filter
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["map_url"] = map_url
    app.jinja_env.filters["tel_url"] = tel_url
    app.jinja_env.filters["phone"] = lambda user: visible_phone(user) or ""
    app.jinja_env.globals["ROLE_LABELS"] = ROLE_LABELS
    app.jinja_env.globals["STAFF_LIKE"] = STAFF_LIKE
    app.jinja_env.globals["STATUS_LABELS"] = STATUS_LABELS
    app.jinja_env.globals["TAB_LABELS"] = TAB_LABELS
    app.jinja_env.globals["back_url"] = back_url
    app.jinja_env.globals["site_menu"] = site_menu
    app.jinja_env.globals["MENU_LABELS"] = menu_labels()  # after the blueprints added their entries

    @app.context_processor
    def inject_nav():
        def unread():
            if not current_user.is_authenticated:
                return 0
            from app.notifications.services import unread_count

            return unread_count(current_user.id)

        return {  # the menu's entries: site_menu, when it renders them
            "tab_bar": tabs_for(current_user, app),
            "current_locale": str(get_locale()),
            "unread_count": unread,
        }
