"""Tokens, /me, accounts and member sign-up."""
from flask import g
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.auth import accounts, services, sms
from app.auth.permissions import can_create_account, roles_required
from app.auth.read_cache import cached_read
from app.auth.roles import ADMINS, STAFF_LIKE
from app.auth.schemas import (
    MeOut,
    PasswordChangeIn,
    RevokeTokenArgs,
    SignupIn,
    TemporaryPasswordOut,
    TokenIn,
    TokenOut,
    UserCreateIn,
    UserOut,
)
from app.auth.sessions import end_sessions
from app.auth.throttling import sign_in_throttled, sign_up_throttled
from app.errors import Forbidden, Unauthorized
from app.transaction import commit

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="Sign-in and accounts")


@blp.route("/auth/token", methods=["POST"])
@sign_in_throttled
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
@documents_errors(blp, 401, 409, 429)
@blp.doc(security=[])
def create_token(data):
    """Exchange a username and password, or a phone and the one-time code sent to it
    (`POST /auth/sms-code`), for a bearer token (repeated failures: 429)."""
    if "phone" in data:
        user = sms.sign_in_with_code(data["phone"], data["code"])
        commit()  # a wrong code's try counts even though the answer is 401 (rolled back otherwise)
        if user is None:
            raise Unauthorized(_("验证码错误或已失效"))
    else:
        user = services.authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized(_("用户名或密码错误"))
    raw, token = services.issue_token(user)
    g._login_user = user  # the answer is for him: his own phone unmasked
    return {"token": raw, "expires_at": token.expires_at, "user": user}


@blp.route("/auth/token", methods=["DELETE"])
@blp.arguments(RevokeTokenArgs, location="query")
@blp.response(204)
@documents_errors(blp, 401)
@roles_required()
def revoke_token(args):
    """Revoke the bearer token used for this request; with `all=true`, sign out everywhere:
    every token and page session of the user."""
    if args["all"]:
        end_sessions(current_user)
    else:
        services.revoke_token(services.bearer_token() or "")


@blp.route("/me", methods=["GET"])
@blp.response(200, MeOut)
@documents_errors(blp, 401)
@roles_required()
@cached_read
def me():
    """The signed-in user with roles and scope."""
    return current_user._get_current_object()


@blp.route("/me/password", methods=["POST"])
@blp.arguments(PasswordChangeIn)
@blp.response(204)
@documents_errors(blp, 401)
@roles_required()
def change_password(data):
    """Change one's own password. Every other session and token of the user ends; this token
    stays valid. A weak new password: 422 naming `new_password`, with the reason."""
    accounts.change_password(current_user, data["current_password"], data["new_password"],
                             keep_token_id=g.get("api_token_id"))


@blp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@blp.response(200, TemporaryPasswordOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*STAFF_LIKE)
def reset_password(user_id):
    """Reset an account's password to a one-time temporary one (shown only in this answer),
    which must be changed at next sign-in; the account's sessions and tokens end. Admins any
    account; street admins within their scope; staff the residents of their community."""
    _user, password = accounts.reset_password_by(current_user, user_id)
    return {"temporary_password": password}


@blp.route("/users/<int:user_id>/disable", methods=["POST"])
@blp.response(200, UserOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*ADMINS)
def disable_user(user_id):
    """Disable an account: its sessions and tokens stop at once (401), sign-in is refused."""
    user = accounts.set_active_by(current_user, user_id, False)
    return user


@blp.route("/users/<int:user_id>/enable", methods=["POST"])
@blp.response(200, UserOut)
@documents_errors(blp, 401, 403, 404)
@roles_required(*ADMINS)
def enable_user(user_id):
    """Re-enable a disabled account (its old sessions and tokens stay ended)."""
    user = accounts.set_active_by(current_user, user_id, True)
    return user


@blp.route("/users", methods=["POST"])
@blp.arguments(UserCreateIn)
@blp.response(201, UserOut)
@documents_errors(blp, 401, 403, 409)
@roles_required(*STAFF_LIKE)
def create_user(data):
    """Create an account. Admins any role; staff and street admins only residents of a place
    in their scope."""
    if not can_create_account(current_user, data["role"], data.get("place_id")):
        raise Forbidden(_("无权创建该账号"))
    user = services.create_user(**data, created_by=current_user)
    return user


@blp.route("/members/signup", methods=["POST"])
@sign_up_throttled
@blp.arguments(SignupIn)
@blp.response(201, UserOut)
@documents_errors(blp, 409, 429)
@blp.doc(security=[])
def signup(data):
    """Public sign-up of an in-service party member (then he registers with a community)."""
    user = services.signup_member(**data)
    return user
