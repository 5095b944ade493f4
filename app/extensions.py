"""Extension objects, created here and wired in create_app."""
from apscheduler.schedulers.background import BackgroundScheduler
from flask import session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.api_base import Api

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Logins(LoginManager):
    """Flask-Login whose session protection looks at signed-in sessions only. On a cookie that
    signs nobody in (the sign-in page's, holding its CSRF token) it would write `_fresh` and
    send the cookie back, and a request still carrying that cookie while the user signs in (the
    browser's automatic /favicon.ico) would then overwrite the new session's cookie: signed out
    on the next page (tests/auth/test_sessions.py)."""

    def _session_protection_failed(self):
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = Logins()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()
api = Api()
scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
