from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form, fits
from app.params import DateInRange, id_range
from app.service.models import CATEGORIES, Household, ServiceRecord, Suggestion


class RecordForm(Form):
    category = SelectField(_l("服务类别"), choices=[(c, _l(c)) for c in CATEGORIES])
    checklist_item = SelectField(_l("计入“五个一”"), choices=[
        ("", _l("不计入")), ("grid_volunteer", _l("当一次网格志愿者")),
        ("help_household", _l("帮助一户困难群众"))])
    household_id = SelectField(_l("帮扶的结对户（可选）"), coerce=int, validators=[Optional()])
    started_at = DateTimeLocalField(_l("服务开始时间"), format="%Y-%m-%dT%H:%M",
                                    validators=[DataRequired(), DateInRange()])
    hours = DecimalField(_l("时长（小时）"), places=1,
                         validators=[DataRequired(), NumberRange(min=0.5, max=24)])
    description = TextAreaField(_l("服务内容"), validators=[DataRequired(), Length(max=2000)])
    photos = MultipleFileField(_l("现场照片（可选，最多 9 张）"), render_kw={"accept": "image/*"})


class SuggestionForm(Form):
    title = StringField(_l("建议标题"), validators=[DataRequired(), fits(Suggestion.title)])
    body = TextAreaField(_l("建议内容"), validators=[DataRequired(), Length(max=2000)])


class DecisionForm(Form):
    reason = StringField(_l("原因（驳回时必填）"), validators=[Optional(), fits(ServiceRecord.reason)])


class HouseholdForm(Form):
    community_id = SelectField(_l("社区"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("户主姓名"), validators=[DataRequired(), fits(Household.name)])
    address = StringField(_l("地址"), validators=[DataRequired(), fits(Household.address)])
    needs = StringField(_l("困难与需求"), validators=[Optional(), fits(Household.needs)])


class PairingForm(Form):
    household_id = IntegerField(validators=[DataRequired(), id_range()])
    member_id = IntegerField(_l("党员编号"), validators=[DataRequired(), id_range()])
