"""Tokens, /me, accounts and member sign-up."""
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from app.auth import services
from app.auth.models import Role
from app.auth.permissions import can_manage_place, roles_required
from app.auth.schemas import MeOut, SignupIn, TokenIn, TokenOut, UserCreateIn, UserOut
from app.errors import Forbidden, Unauthorized
from app.extensions import db, limiter
from app.places.models import Place

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Sign-in and accounts")


def login_key() -> str:
    body = request.get_json(silent=True)
    username = body.get("username", "") if isinstance(body, dict) else ""
    return f"{request.remote_addr}:{username}"


def login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_FAILURE_LIMIT"]


@blp.route("/auth/token", methods=["POST"])
@limiter.limit(login_limit, key_func=login_key, deduct_when=lambda r: r.status_code == 401)
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
@blp.alt_response(401, description="Wrong credentials")
@blp.alt_response(429, description="Too many failed attempts")
@blp.doc(security=[])
def create_token(data):
    """Exchange a username and password for a bearer token."""
    user = services.authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized("用户名或密码错误 / wrong username or password")
    raw, token = services.issue_token(user)
    db.session.commit()
    return {"token": raw, "expires_at": token.expires_at, "user": user}


@blp.route("/auth/token", methods=["DELETE"])
@blp.response(204)
@roles_required()
def revoke_token():
    """Revoke the bearer token used for this request."""
    services.revoke_token(request.headers.get("Authorization", "")[7:].strip())
    db.session.commit()


@blp.route("/me", methods=["GET"])
@blp.response(200, MeOut)
@roles_required()
def me():
    """The signed-in user with roles and scope."""
    return current_user._get_current_object()


@blp.route("/users", methods=["POST"])
@blp.arguments(UserCreateIn)
@blp.response(201, UserOut)
@roles_required(Role.ADMIN, Role.STAFF, Role.STREET_ADMIN)
def create_user(data):
    """Create an account. Admins any role; staff only residents of their community."""
    if current_user.role != Role.ADMIN:
        if data["role"] != Role.RESIDENT:
            raise Forbidden("staff may only create resident accounts")
        place = db.session.get(Place, data["place_id"]) if data.get("place_id") else None
        if place is not None and not can_manage_place(current_user, place):
            raise Forbidden("outside your scope")
    user = services.create_user(**data, created_by=current_user)
    db.session.commit()
    return user


@blp.route("/members/signup", methods=["POST"])
@limiter.limit("20 per hour", key_func=lambda: request.remote_addr or "local",
               exempt_when=lambda: bool(__import__("flask").current_app.config.get("TESTING")))
@blp.arguments(SignupIn)
@blp.response(201, UserOut)
@blp.doc(security=[])
def signup(data):
    """Public sign-up of an in-service party member."""
    user = services.signup_member(**data)
    db.session.commit()
    return user
