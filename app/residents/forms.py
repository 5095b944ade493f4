from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.auth.forms import MobilePhone
from app.forms import Form


class ResidentSignupForm(Form):
    phone = StringField(_l("手机号"), validators=[DataRequired(), Length(max=40), MobilePhone()])
    code = StringField(_l("验证码"), validators=[
        DataRequired(), Regexp(r"^\d{6}$", message=_l("验证码为6位数字"))])
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=64)])
    community_id = SelectField(_l("所在社区"), coerce=int,
                               validators=[DataRequired(message=_l("请选择社区"))])
    grid_id = SelectField(_l("网格（知道的话）"), coerce=int)
    address = StringField(_l("居住地址"), validators=[DataRequired(), Length(max=200)])
