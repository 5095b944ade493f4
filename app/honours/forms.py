from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, fits
from app.honours.models import Honour


class NominationForm(Form):
    kind = SelectField(_l("表彰类型"), validators=[DataRequired()])
    member_id = SelectField(_l("党员（个人表彰）"), coerce=int, validators=[Optional()])
    team_name = StringField(_l("团队名称（团队表彰）"), validators=[Optional(), fits(Honour.team_name)])
    community_id = SelectField(_l("社区（团队表彰）"), coerce=int, validators=[Optional()])
    reasons = TextAreaField(_l("推荐理由（事迹）"), validators=[DataRequired(), Length(max=2000)])


class DecisionForm(Form):
    note = StringField(_l("说明（有异议时必填）"), validators=[Optional(), Length(max=500)])


class ObjectionForm(Form):
    reason = TextAreaField(_l("异议内容"), validators=[DataRequired(), Length(max=500)])
