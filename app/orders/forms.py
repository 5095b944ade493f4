from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.auth.forms import MobilePhone
from app.forms import Form, fits
from app.i18n import N_
from app.orders.models import CATEGORIES, Order, OrderClaim, OrderEvent
from app.orders.services import MAX_SLOTS
from app.params import DateInRange

URGENCY_CHOICES = [("normal", _l("一般（3天内）")), ("high", _l("较急（1天内）")),
                   ("urgent", _l("紧急（2小时内）")), ("low", _l("不急（14天内）"))]
URGENCY_LABELS = {"urgent": N_("紧急"), "high": N_("较急"), "normal": N_("一般"), "low": N_("不急")}


class OrderForm(Form):
    """点单. `resident_id` and `slots` are shown to staff filing for a resident only."""

    resident_id = SelectField(_l("为哪位居民点单"), coerce=int,
                              validators=[DataRequired(message=_l("请选择代为点单的居民"))])
    title = StringField(_l("需要什么帮助"), validators=[DataRequired(), fits(Order.title)],
                        description=_l("一句话说清楚，例如：帮忙修理漏水的水龙头"))
    category = SelectField(_l("类别"), choices=[(c, _l(c)) for c in CATEGORIES])
    description = TextAreaField(_l("详细说明"), validators=[Optional(), Length(max=2000)])
    urgency = RadioField(_l("多急"), choices=URGENCY_CHOICES, default="normal",
                         validators=[DataRequired()])
    address = StringField(_l("地址"), validators=[Optional(), fits(Order.address)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=40), MobilePhone()])
    slots = IntegerField(_l("需要几位党员"), default=1,
                         validators=[Optional(), NumberRange(min=1, max=MAX_SLOTS)])


class DispatchForm(Form):
    target = SelectField(_l("派给"), validators=[DataRequired()],
                         description=_l("派给到本社区报到的单位，或直接由党员领单"))
    deadline = DateTimeLocalField(_l("办理期限（不填按紧急程度）"), format="%Y-%m-%dT%H:%M",
                                  validators=[Optional(), DateInRange()])
    note = StringField(_l("派单说明"), validators=[Optional(), Length(max=400)])


class ReasonForm(Form):
    reason = StringField(_l("原因"), validators=[DataRequired(), fits(Order.reason)])


class NoteForm(Form):
    note = StringField(_l("备注"), validators=[Optional(), fits(OrderEvent.note)])


class CompleteForm(Form):
    note = TextAreaField(_l("办理情况"), validators=[DataRequired(), fits(OrderEvent.note)])


class ReleaseForm(Form):
    reason = StringField(_l("放弃原因"), validators=[Optional(), fits(OrderClaim.release_reason)])


class RateForm(Form):
    score = RadioField(_l("满意度"), coerce=int, validators=[InputRequired()],
                       choices=[(5, _l("5 非常满意")), (4, _l("4 满意")), (3, _l("3 一般")),
                                (2, _l("2 不满意")), (1, _l("1 很不满意"))])
    comment = StringField(_l("评价"), validators=[Optional(), fits(Order.rating_comment)])


class InviteForm(Form):
    member_id = HiddenField(validators=[DataRequired()])


class ConfirmForm(Form):
    """A bare POST (claim): only the CSRF token."""
