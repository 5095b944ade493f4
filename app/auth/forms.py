from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.auth.models import User
from app.forms import Form, fits


class LoginForm(Form):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=128)])


class SignupForm(Form):
    username = StringField(_l("用户名"), validators=[DataRequired(), Regexp(
        r"^[A-Za-z0-9_.@-]{3,64}$", message=_l("3-64位字母、数字或 _.@-"))])
    password = PasswordField(_l("密码（至少8位）"), validators=[DataRequired(), Length(min=8, max=128)])
    name = StringField(_l("姓名"), validators=[DataRequired(), fits(User.name)])
    phone = StringField(_l("手机号"), validators=[DataRequired(), Length(min=11, max=20)])
    unit_id = SelectField(_l("工作单位"), coerce=int, validators=[DataRequired(message=_l("请选择工作单位"))])
