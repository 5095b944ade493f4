import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from app.api_base import Id, text
from app.auth.models import Role
from app.auth.permissions import visible_phone
from app.auth.services import user_scope

USERNAME = validate.Regexp(r"^[A-Za-z0-9_.@-]{3,64}$", error=_l("用户名应为3-64位字母、数字或 _.@-"))
# The password policy (app/auth/passwords.py) checks chosen passwords in the service, so the
# API, the pages and the command line give the same reason.


class TokenIn(ma.Schema):
    """A username and password, or a phone and the one-time code sent to it."""

    username = fields.String(validate=validate.Length(min=1, max=64))
    password = fields.String(validate=validate.Length(min=1, max=128))
    phone = fields.String(validate=validate.Length(min=1, max=40))
    code = fields.String(validate=validate.Length(min=1, max=16))

    @ma.validates_schema
    def _one_way(self, data, **_kw):
        if not ({"username", "password"} <= data.keys() or {"phone", "code"} <= data.keys()):
            missing = "password" if "username" in data else ("code" if "phone" in data else "username")
            raise ma.ValidationError(_("请填写用户名和密码，或手机号和验证码"), missing)


class UserOut(ma.Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    phone = fields.Function(lambda u: visible_phone(u), allow_none=True)
    role = fields.String(required=True)
    roles = fields.Function(lambda u: [u.role])
    place_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    is_active = fields.Boolean()
    must_change_password = fields.Boolean()


class TokenOut(ma.Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    user = fields.Nested(UserOut, required=True)


class ScopeOut(ma.Schema):
    place_id = fields.Integer(allow_none=True)
    place_kind = fields.String(allow_none=True)
    place_name = fields.String(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    unit_name = fields.String(allow_none=True)
    community_id = fields.Integer(allow_none=True)


_SCOPE_OUT = ScopeOut()  # one instance: building a schema costs more than dumping with it


class MeOut(UserOut):
    scope = fields.Function(lambda u: _SCOPE_OUT.dump(user_scope(u)), required=True)


class UserCreateIn(ma.Schema):
    username = fields.String(required=True, validate=USERNAME)
    password = fields.String(required=True)
    name = text(1, 64, required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    email = fields.Email(load_default=None, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(
        [Role.STAFF, Role.UNIT_ADMIN, Role.STREET_ADMIN, Role.RESIDENT, Role.ADMIN]))
    place_id = Id(load_default=None, allow_none=True)
    unit_id = Id(load_default=None, allow_none=True)


class SignupIn(ma.Schema):
    username = fields.String(required=True, validate=USERNAME)
    password = fields.String(required=True)
    name = text(1, 64, required=True)
    phone = fields.String(required=True, validate=validate.Length(min=11, max=20))
    unit_id = Id(required=True)


class PasswordChangeIn(ma.Schema):
    # Not needed by an account that has no password yet (signed in by phone): he sets his first.
    current_password = fields.String(load_default="", validate=validate.Length(max=128))
    new_password = fields.String(required=True)


class TemporaryPasswordOut(ma.Schema):
    temporary_password = fields.String(required=True)


class RevokeTokenArgs(ma.Schema):
    all = fields.Boolean(load_default=False, metadata={"description": "sign out everywhere"})
