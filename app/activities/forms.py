from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.points.checklist import DEFAULT_ITEMS

CATEGORIES = ["扶贫助困", "洁净家园", "守护平安", "文明出行", "和睦邻里", "关爱老人", "课业辅导",
              "法律咨询", "医疗健康", "理财咨询", "其他"]


class ActivityForm(FlaskForm):
    community_id = SelectField("社区", coerce=int, validators=[DataRequired()])
    title = StringField("活动名称", validators=[DataRequired(), Length(max=120)])
    category = SelectField("服务类别", choices=[(c, c) for c in CATEGORIES])
    checklist_item = SelectField("计入“五个一”事项", choices=[("", "不计入")] + list(DEFAULT_ITEMS),
                                 default="community_activity")
    starts_at = DateTimeLocalField("开始时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    capacity = IntegerField("名额", default=20, validators=[DataRequired(), NumberRange(min=1, max=10000)])
    points = IntegerField("参加积分", default=5, validators=[Optional(), NumberRange(min=0, max=1000)])
    location = StringField("地点", validators=[Optional(), Length(max=200)])
    description = TextAreaField("活动说明", validators=[Optional(), Length(max=2000)])


class CheckinForm(FlaskForm):
    code = HiddenField(validators=[DataRequired(), Length(max=500)])


class AttendanceForm(FlaskForm):
    member_id = IntegerField("党员编号", validators=[DataRequired(), NumberRange(min=1)])
