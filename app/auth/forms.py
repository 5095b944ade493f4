from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from app.auth.models import User
from app.auth.services import normalize_phone
from app.errors import Invalid
from app.forms import Form, fits


class MobilePhone:
    """A form's mobile number: checked and normalised to its 11 digits by the one phone rule
    (`normalize_phone`, phonenumbers), with the message in the page's language. Empty passes
    (pair it with DataRequired or Optional)."""

    message = _l("请填写11位手机号码，例如 13800138000")

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = normalize_phone(field.data, field.name)
        except Invalid:
            raise ValidationError(str(self.message)) from None


class LoginForm(Form):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=128)])


class SignupForm(Form):
    username = StringField(_l("用户名"), validators=[DataRequired(), Regexp(
        r"^[A-Za-z0-9_.@-]{3,64}$", message=_l("3-64位字母、数字或 _.@-"))])
    password = PasswordField(_l("密码（至少8位）"), validators=[DataRequired()])  # the policy: in the service
    name = StringField(_l("姓名"), validators=[DataRequired(), fits(User.name)])
    phone = StringField(_l("手机号"), validators=[DataRequired(), Length(max=40), MobilePhone()])
    unit_id = SelectField(_l("工作单位"), coerce=int, validators=[DataRequired(message=_l("请选择工作单位"))])


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(), Length(max=128)])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired()], description=_l(
        "至少8个字符，不能是用户名或常见密码（如 12345678）；可用几个词组成的长句"))
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("两次输入的新密码不一致"))])
