from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.activities.forms import CATEGORIES


class RecordForm(FlaskForm):
    category = SelectField("服务类别", choices=[(c, c) for c in CATEGORIES])
    checklist_item = SelectField("计入“五个一”", choices=[
        ("", "不计入"), ("grid_volunteer", "当一次网格志愿者"), ("help_household", "帮助一户困难群众")])
    household_id = SelectField("帮扶的结对户（可选）", coerce=int, validators=[Optional()])
    started_at = DateTimeLocalField("服务开始时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    hours = DecimalField("时长（小时）", places=1, validators=[DataRequired(), NumberRange(min=0.5, max=24)])
    description = TextAreaField("服务内容", validators=[DataRequired(), Length(max=2000)])


class SuggestionForm(FlaskForm):
    title = StringField("建议标题", validators=[DataRequired(), Length(max=120)])
    body = TextAreaField("建议内容", validators=[DataRequired(), Length(max=2000)])


class DecisionForm(FlaskForm):
    reason = StringField("原因（驳回时必填）", validators=[Optional(), Length(max=500)])


class HouseholdForm(FlaskForm):
    community_id = SelectField("社区", coerce=int, validators=[DataRequired()])
    name = StringField("户主姓名", validators=[DataRequired(), Length(max=64)])
    address = StringField("地址", validators=[DataRequired(), Length(max=200)])
    needs = StringField("困难与需求", validators=[Optional(), Length(max=500)])


class PairingForm(FlaskForm):
    household_id = IntegerField(validators=[DataRequired(), NumberRange(min=1)])
    member_id = IntegerField("党员编号", validators=[DataRequired(), NumberRange(min=1)])
