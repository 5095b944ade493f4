from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form, fits
from app.params import DateInRange
from app.rewards.models import Reward


class RewardForm(Form):
    place_id = SelectField(_l("提供范围"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("物品名称"), validators=[DataRequired(), fits(Reward.name)])
    description = TextAreaField(_l("说明（领取地点、方式）"), validators=[Optional(), Length(max=500)])
    points = IntegerField(_l("所需积分"), validators=[DataRequired(), NumberRange(min=1, max=100000)])
    stock = IntegerField(_l("库存数量"), validators=[DataRequired(), NumberRange(min=1, max=100000)])
    per_member_limit = IntegerField(_l("每人限兑"), default=1,
                                    validators=[DataRequired(), NumberRange(min=1, max=100)])
    starts_on = DateField(_l("开始日期（可选）"), validators=[Optional(), DateInRange()])
    ends_on = DateField(_l("结束日期（可选）"), validators=[Optional(), DateInRange()])


class RedeemForm(Form):
    request_key = HiddenField(validators=[Optional(), Length(max=64)])
