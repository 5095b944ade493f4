from uuid import uuid4

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form, fits
from app.params import id_range
from app.points.models import CAP_PERIODS, LedgerEntry, ScoringRule

PERIOD_LABELS = {"day": _l("每天"), "month": _l("每月"), "year": _l("每年")}


class AdjustmentForm(Form):
    member_id = IntegerField(_l("党员编号"), validators=[DataRequired(), id_range()])
    points = IntegerField(_l("调整分值（可为负数）"),
                          validators=[InputRequired(), NumberRange(min=-1000, max=1000)])
    reason = StringField(_l("调整原因"), validators=[DataRequired(), fits(LedgerEntry.reason)])
    # One per form shown: a double submit (or a resent POST) of the same form pays once.
    request_key = HiddenField(default=lambda: uuid4().hex, validators=[Optional(), Length(max=64)])


class RuleForm(Form):
    title = StringField(_l("名称"), validators=[DataRequired(), fits(ScoringRule.title)])
    points = IntegerField(_l("分值"), validators=[InputRequired(), NumberRange(min=-1000, max=1000)])
    per_hour = BooleanField(_l("按小时计"))
    cap_period = SelectField(_l("上限周期"),
                             choices=[("", _l("不设上限"))] + [(p, PERIOD_LABELS[p]) for p in CAP_PERIODS])
    cap_points = IntegerField(_l("周期上限分值"), validators=[Optional(), NumberRange(min=1, max=100000)])
    is_active = BooleanField(_l("启用"))
