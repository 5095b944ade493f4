from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.auth.forms import MobilePhone
from app.forms import Form


class PhoneForm(Form):
    phone = StringField(_l("手机号"), validators=[DataRequired(), Length(max=40), MobilePhone()])


class CodeForm(Form):
    phone = StringField(_l("手机号"), validators=[DataRequired(), Length(max=40)])
    code = StringField(_l("验证码"), validators=[
        DataRequired(), Regexp(r"^\d{6}$", message=_l("验证码为6位数字"))])
