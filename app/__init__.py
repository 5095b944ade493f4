"""Application factory."""
from __future__ import annotations

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext
from flask_login import AnonymousUserMixin
from flask_talisman import Talisman
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge

from app import transaction
from app.database import install_postgres_behaviour
from app.errors import (
    DomainError,
    handle_body_too_large,
    handle_domain_error,
    handle_integrity_error,
    handle_unexpected,
    is_api_request,
)
from app.extensions import api, babel, csrf, db, limiter, login_manager, migrate
from app.i18n import LOCALES, N_, RequestDomain, install_template_gettext, select_locale  # noqa: F401 (app.LOCALES)
from app.transaction import App
from config import Config, ProductionConfig, config_from_env


def create_app(config: type[Config] | dict | None = None) -> App:
    app = App(__name__, instance_relative_config=False)
    config_class = config_from_env()
    if isinstance(config, type):
        config_class = config
    app.config.from_object(config_class)
    if isinstance(config, dict):
        app.config.update(config)
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    from app.observability import install as install_observability

    install_observability(app)  # logs, request id, /readyz, /metrics: before any other hook
    app.session_interface = CookieSessions()
    register_extensions(app)
    register_blueprints(app)
    drop_idle_limiter_check(app)
    register_receivers()
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config.get("TRUSTED_PROXIES"):  # outermost: every layer sees the client's address
        from werkzeug.middleware.proxy_fix import ProxyFix  # and scheme (the kept answers' too)

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


class SecurityHeaders(Talisman):
    """flask-talisman, with the answer headers worked out once. Talisman rebuilds them (the CSP
    string from its dict, the per-view options) for every answer, and looks for per-view
    options before every request, ~30 µs a request; the app sets no per-view options and no CSP
    nonce, so they are the same for every answer. HSTS still depends on the request (HTTPS).
    Should a view ever get its own options (`@talisman(...)`), Talisman's own path runs."""

    _fixed: list | None = None
    _per_view: bool | None = None

    def _plain(self) -> bool:
        if self._per_view is None:
            self._per_view = any(hasattr(view, "talisman_view_options")
                                 for view in self.app.view_functions.values())
        return not self._per_view and not self.content_security_policy_nonce_in

    def _force_https(self):
        if self.force_https or not self._plain():
            return super()._force_https()
        return None

    def _make_nonce(self):
        if not self._plain():
            super()._make_nonce()

    def _set_response_headers(self, response):
        if not self._plain():
            return super()._set_response_headers(response)
        if self._fixed is None:
            scratch = Headers()
            options = self._get_local_options()
            self._set_feature_policy_headers(scratch, options)
            self._set_permissions_policy_headers(scratch, options)
            self._set_document_policy_headers(scratch, options)
            self._set_frame_options_headers(scratch, options)
            self._set_content_security_policy_headers(scratch, options)
            self._set_referrer_policy_headers(scratch)
            self._fixed = list(scratch.items())
        for key, value in self._fixed:
            response.headers[key] = value
        self._set_hsts_headers(response.headers)
        return response


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session (the CSRF token, flashed messages; accounts have their
    server-side sessions, app/auth/sessions.py), with its signing serializer made once per
    secret key instead of for every request (opening and saving each made one)."""

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = app.extensions.get("cookie_session_serializer")
        if cached is None or cached[0] != key:
            cached = (key, super().get_signing_serializer(app))
            app.extensions["cookie_session_serializer"] = cached
        return cached[1]


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table known before migrations/create_all)
    from app.request_body import check_request_body

    app.before_request(check_request_body)  # first: before CSRF, the limiter and input checks
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("请先登录")
    login_manager.localize_callback = gettext  # flashed in the reader's language
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = RequestDomain()  # the request's catalogue found once (app/i18n.py)
    install_template_gettext(app.jinja_env)
    api.init_app(app)
    # Security headers. One Talisman per app: it keeps its settings on itself, not per app.
    app.extensions["talisman"] = SecurityHeaders(  # the cookie flags stay config.py's
        app, content_security_policy=app.config["CONTENT_SECURITY_POLICY"], frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin", force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        strict_transport_security_include_subdomains=False,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"])

    from app.auth.sessions import require_password_change, user_for_session

    login_manager.user_loader(user_for_session)

    from app.input_checks import refuse_unstorable_text

    app.before_request(refuse_unstorable_text)

    from app.auth import read_cache

    read_cache.install(app)  # a kept answer is served before the user is loaded

    @app.before_request
    def api_bearer_auth():
        """The API authenticates by bearer token only, never by the page session cookie."""
        if not is_api_request():
            return
        from app.auth.services import bearer_token, user_for_token

        raw = bearer_token()
        user = user_for_token(raw) if raw else None
        g._login_user = user or AnonymousUserMixin()

    app.before_request(require_password_change)
    install_sqlite_behaviour()
    install_postgres_behaviour()
    transaction.install(app)


def drop_idle_limiter_check(app: Flask) -> None:
    """Flask-Limiter's before-request hook applies the default, application-wide and blueprint
    limits; the app declares none (each limit decorates its view, and the decorator checks it),
    so the hook would only search every request for limits that are not there (~50 µs). It
    stays if such limits are ever declared (tests/auth/test_throttling.py keeps the premise)."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or manager._blueprint_limits:
        return
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if hook != limiter._check_request_limit]


def install_sqlite_behaviour() -> None:
    """pysqlite's own transaction handling breaks SAVEPOINT and lets two writers deadlock.
    Take transactions over: BEGIN IMMEDIATE makes writers queue (busy_timeout) instead."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if getattr(install_sqlite_behaviour, "done", False):
        return
    install_sqlite_behaviour.done = True

    @event.listens_for(Engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    @event.listens_for(Engine, "begin")
    def _sqlite_begin(conn):
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def register_blueprints(app: Flask) -> None:
    """Every API blueprint (flask-smorest, CSRF-exempt: bearer tokens only) and every page
    blueprint, listed here by hand: a missing module is an ImportError, never skipped."""
    from app.activities import api as activities_api
    from app.activities import views as activities_views
    from app.announcements import api as announcements_api
    from app.announcements import views as announcements_views
    from app.api_base import IdConverter
    from app.audit import views as audit_views
    from app.auth import api as auth_api
    from app.auth import views as auth_views
    from app.certificates import api as certificates_api
    from app.certificates import views as certificates_views
    from app.honours import api as honours_api
    from app.honours import views as honours_views
    from app.imports import api as imports_api
    from app.imports import views as imports_views
    from app.main import bp as main_bp
    from app.notifications import api as notifications_api
    from app.notifications import views as notifications_views
    from app.orders import api as orders_api
    from app.orders import board as orders_board  # noqa: F401  (routes on the orders bp)
    from app.orders import views as orders_views
    from app.phone_signin import api as phone_signin_api
    from app.phone_signin import views as phone_signin_views
    from app.photos import api as photos_api
    from app.photos import views as photos_views
    from app.places import api as places_api
    from app.places import views as places_views
    from app.points import api as points_api
    from app.points import views as points_views
    from app.projects import api as projects_api
    from app.projects import views as projects_views
    from app.ratings import admin_views as ratings_admin_views  # noqa: F401  (routes on ratings bp)
    from app.ratings import api as ratings_api
    from app.ratings import letter_pdfs  # noqa: F401  (routes on the ratings blueprints)
    from app.ratings import unit_api as unit_ratings_api
    from app.ratings import unit_views as unit_ratings_views  # noqa: F401  (routes on ratings bp)
    from app.ratings import views as ratings_views
    from app.registrations import api as registrations_api
    from app.registrations import resource_views  # noqa: F401  (routes on the registrations bp)
    from app.registrations import views as registrations_views
    from app.reminders import views as reminders_views
    from app.residents import api as residents_api
    from app.residents import views as residents_views
    from app.rewards import api as rewards_api
    from app.rewards import views as rewards_views
    from app.service import api as service_api
    from app.service import views as service_views
    from app.teams import api as teams_api
    from app.teams import views as teams_views
    from app.workbench import views as workbench_views

    app.url_map.converters["int"] = IdConverter  # before any rule is added

    app.register_blueprint(main_bp)
    for blp in (auth_api.blp, places_api.blp, registrations_api.blp, registrations_api.units_blp,
                activities_api.blp, service_api.blp, points_api.blp, orders_api.blp,
                notifications_api.blp, ratings_api.blp, unit_ratings_api.blp, residents_api.blp,
                imports_api.blp, phone_signin_api.blp, rewards_api.blp, announcements_api.blp,
                honours_api.blp, photos_api.blp, certificates_api.blp, projects_api.blp,
                teams_api.blp):
        csrf.exempt(blp)
        api.register_blueprint(blp)
    for bp in (auth_views.bp, places_views.bp, registrations_views.bp, activities_views.bp,
               service_views.bp, points_views.bp, orders_views.bp, notifications_views.bp,
               reminders_views.bp, ratings_views.bp, audit_views.bp, residents_views.bp,
               imports_views.bp, phone_signin_views.bp, rewards_views.bp, announcements_views.bp,
               honours_views.bp, photos_views.bp, certificates_views.bp, projects_views.bp,
               teams_views.bp, workbench_views.bp):
        app.register_blueprint(bp)


def register_receivers() -> None:
    """Connects every domain's signal receivers (app/signals.py): a higher layer reacting to
    a lower one. Connecting twice is harmless (blinker keeps one connection per receiver)."""
    from app.audit import receivers as audit_receivers  # noqa: F401
    from app.photos import receivers as photos_receivers  # noqa: F401
    from app.places import receivers as places_receivers  # noqa: F401
    from app.points import receivers as points_receivers  # noqa: F401
    from app.ratings import receivers as ratings_receivers  # noqa: F401
    from app.registrations import receivers as registrations_receivers  # noqa: F401
    from app.teams import receivers as teams_receivers  # noqa: F401


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(RequestEntityTooLarge, handle_body_too_large)
    if not app.config.get("TESTING_RAISE_ERRORS"):
        app.register_error_handler(Exception, handle_unexpected)


def register_template_helpers(app: Flask) -> None:
    from app.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
