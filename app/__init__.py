"""Application factory."""
from __future__ import annotations

import importlib

from flask import Flask, g, request
from flask_babel import gettext
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError, handle_domain_error, handle_integrity_error, handle_unexpected
from app.extensions import api, babel, csrf, db, limiter, login_manager, migrate
from app.i18n import N_
from config import Config, ProductionConfig, config_from_env

# Every domain package; each may have api.py (`blp`), views.py (`bp`), cli.py (`commands`)
# and demo.py (`seed(ctx)`). A domain package that does not exist yet is skipped.
DOMAINS = ("auth", "places", "registrations", "activities", "service", "points", "orders",
           "reminders", "ratings", "audit")


def domain_modules(name: str):
    """Yields (domain, module) for every domain that has a module `app.<domain>.<name>`."""
    for domain in DOMAINS:
        try:
            module = importlib.import_module(f"app.{domain}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name in (f"app.{domain}", f"app.{domain}.{name}"):
                continue
            raise
        yield domain, module


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
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
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from app.observability import install as install_observability

    install_observability(app)  # logs, request id, /readyz, /metrics: before any other hook
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def select_locale():
    lang = request.args.get("lang") or request.cookies.get("lang")
    if lang in ("zh_CN", "en"):
        return lang
    return "zh_CN"


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table known before migrations/create_all)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("请先登录")
    login_manager.localize_callback = gettext  # flashed in the reader's language
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    api.init_app(app)

    from app.auth.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.is_active else None

    from app.input_checks import refuse_unstorable_text

    app.before_request(refuse_unstorable_text)

    @app.before_request
    def api_bearer_auth():
        """The API authenticates by bearer token only, never by the page session cookie."""
        if not request.path.startswith("/api/"):
            return
        from app.auth.services import user_for_token

        header = request.headers.get("Authorization", "")
        user = None
        if header.startswith("Bearer "):
            user = user_for_token(header[7:].strip())
        g._login_user = user or AnonymousUserMixin()

    install_sqlite_behaviour()


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
    from app.api_base import IdConverter
    from app.main import bp as main_bp

    app.url_map.converters["int"] = IdConverter  # before any rule is added

    app.register_blueprint(main_bp)
    for _domain, module in domain_modules("api"):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
    for _domain, module in domain_modules("views"):
        app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    if not app.config.get("TESTING_RAISE_ERRORS"):
        app.register_error_handler(Exception, handle_unexpected)


def register_template_helpers(app: Flask) -> None:
    from app.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
