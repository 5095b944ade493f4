from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.activities.models import CATEGORIES, Activity
from app.forms import Form, fits
from app.params import DateInRange, id_range
from app.points.checklist import DEFAULT_ITEMS


class ActivityForm(Form):
    community_id = SelectField(_l("社区"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("活动名称"), validators=[DataRequired(), fits(Activity.title)])
    category = SelectField(_l("服务类别"), choices=[(c, _l(c)) for c in CATEGORIES])
    checklist_item = SelectField(_l("计入“五个一”事项"), choices=[("", _l("不计入"))] + [
        (key, _l(title)) for key, title in DEFAULT_ITEMS],
                                 default="community_activity")
    starts_at = DateTimeLocalField(_l("开始时间"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(), DateInRange()])
    ends_at = DateTimeLocalField(_l("结束时间"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired(), DateInRange()])
    capacity = IntegerField(_l("名额"), default=20,
                            validators=[DataRequired(), NumberRange(min=1, max=10000)])
    points = IntegerField(_l("参加积分"), default=5, validators=[Optional(), NumberRange(min=0, max=1000)])
    location = StringField(_l("地点"), validators=[Optional(), fits(Activity.location)])
    description = TextAreaField(_l("活动说明"), validators=[Optional(), Length(max=2000)])


class CheckinForm(Form):
    code = HiddenField(validators=[DataRequired(), Length(max=500)])


class AttendanceForm(Form):
    member_id = IntegerField(_l("党员编号"), validators=[DataRequired(), id_range()])
