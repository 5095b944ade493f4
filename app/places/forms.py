from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.auth.forms import MobilePhone
from app.auth.models import User
from app.forms import Form, fits
from app.places.models import Place, PlaceKind, Unit, UnitKind

PLACE_KIND_LABELS = {"district": _l("区"), "street": _l("街道"), "community": _l("社区"), "grid": _l("网格")}
UNIT_KIND_LABELS = {"agency": _l("机关"), "institution": _l("事业单位"), "enterprise": _l("国有企业"),
                    "other": _l("其他")}
ACCOUNT_ROLES = [("staff", _l("社区工作人员")), ("unit_admin", _l("单位管理员")),
                 ("street_admin", _l("街道/区管理员")), ("resident", _l("居民")), ("admin", _l("系统管理员"))]


class PlaceForm(Form):
    kind = SelectField(_l("类型"), choices=[(k.value, PLACE_KIND_LABELS[k]) for k in PlaceKind])
    name = StringField(_l("名称"), validators=[DataRequired(), fits(Place.name)])
    parent_id = SelectField(_l("上级"), coerce=int, validators=[Optional()],
                            description=_l("区不选上级；街道选区；社区选街道；网格选社区"))


class UnitForm(Form):
    name = StringField(_l("单位名称"), validators=[DataRequired(), fits(Unit.name)])
    kind = SelectField(_l("类型"), choices=[(k.value, UNIT_KIND_LABELS[k]) for k in UnitKind])


class AccountForm(Form):
    username = StringField(_l("用户名"), validators=[DataRequired(), Regexp(
        r"^[A-Za-z0-9_.@-]{3,64}$", message=_l("3-64位字母、数字或 _.@-"))])
    password = PasswordField(_l("初始密码（至少8位）"), validators=[DataRequired()], description=_l(
        "首次登录时须修改"))  # the policy: in the service
    name = StringField(_l("姓名"), validators=[DataRequired(), fits(User.name)])
    phone = StringField(_l("手机号"), validators=[Optional(), Length(max=40), MobilePhone()])
    role = SelectField(_l("角色"), choices=ACCOUNT_ROLES)
    place_id = SelectField(_l("所属地区"), coerce=int, validators=[Optional()],
                           description=_l("社区工作人员、居民选社区或网格；街道/区管理员选街道或区"))
    unit_id = SelectField(_l("所属单位"), coerce=int, validators=[Optional()],
                          description=_l("单位管理员必选"))
