from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FileField, HiddenField, SelectField
from wtforms.validators import DataRequired, Regexp

from app.forms import Form
from app.imports.kinds import KINDS


class UploadForm(Form):
    kind = SelectField(_l("导入内容"), choices=[(k, _l(spec.label)) for k, spec in KINDS.items()])
    file = FileField(_l("文件（.xlsx 或 .csv）"), validators=[DataRequired(message=_l("请选择要导入的文件"))])


class ConfirmForm(Form):
    kind = HiddenField(validators=[DataRequired()])
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])
    stop_on_error = BooleanField(_l("有任何错误时全部不导入"))
