from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import Form, fits
from app.params import DateInRange
from app.points.checklist import DEFAULT_ITEMS
from app.projects.models import KINDS, Agreement, Project, ProjectSession


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (works without JavaScript on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProjectForm(Form):
    community_id = SelectField(_l("社区"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("项目名称"), validators=[DataRequired(), fits(Project.title)])
    kind = SelectField(_l("项目类别"), choices=[(k, _l(k)) for k in KINDS])
    goals = TextAreaField(_l("项目目标"), validators=[DataRequired(), Length(max=2000)])
    starts_on = DateField(_l("开始日期"), validators=[DataRequired(), DateInRange()])
    ends_on = DateField(_l("结束日期"), validators=[DataRequired(), DateInRange()])
    places = IntegerField(
        _l("可认领单位数"), default=1, validators=[DataRequired(), NumberRange(min=1, max=100)]
    )
    slots = IntegerField(
        _l("党员名额"), default=10, validators=[DataRequired(), NumberRange(min=1, max=10000)]
    )
    points = IntegerField(_l("参与积分"), default=10, validators=[Optional(), NumberRange(min=0, max=1000)])
    hours = FloatField(
        _l("每人服务时长（小时）"), default=2, validators=[Optional(), NumberRange(min=0, max=24)]
    )
    skills = StringField(_l("所需技能（用逗号分隔）"), validators=[Optional(), Length(max=400)])
    resources_needed = StringField(_l("所需资源"), validators=[Optional(), fits(Project.resources_needed)])
    checklist_item = SelectField(
        _l("计入“五个一”事项"),
        default="",
        choices=[("", _l("不计入"))] + [(key, _l(title)) for key, title in DEFAULT_ITEMS],
    )
    agreement_id = SelectField(_l("所属共建协议（可选）"), coerce=int, default=0, validators=[Optional()])


class ClaimForm(Form):
    resource_ids = CheckboxesField(_l("承诺投入的资源"), coerce=int, validators=[Optional()])
    note = StringField(_l("认领说明"), validators=[Optional(), Length(max=500)])


class NoteForm(Form):
    note = TextAreaField(_l("进展情况"), validators=[DataRequired(), Length(max=1000)])


class CloseForm(Form):
    outcome = TextAreaField(_l("项目成效"), validators=[DataRequired(), Length(max=2000)])
    absent_member_ids = CheckboxesField(
        _l("未到场的党员（不计积分和时长）"), coerce=int, validators=[Optional()]
    )
    absent_signup_ids = CheckboxesField(
        _l("未到场的场次报名（不计该场时长）"), coerce=int, validators=[Optional()]
    )


class SessionForm(Form):
    """A session (场次) on one day, from a time to a time (Asia/Shanghai)."""

    title = StringField(_l("场次名称"), validators=[DataRequired(), fits(ProjectSession.title)])
    day = DateField(_l("日期"), validators=[DataRequired(), DateInRange()])
    starts_at = TimeField(_l("开始时间"), validators=[DataRequired()])
    ends_at = TimeField(_l("结束时间"), validators=[DataRequired()])
    location = StringField(_l("地点"), validators=[Optional(), fits(ProjectSession.location)])
    slots = IntegerField(_l("名额"), default=10, validators=[DataRequired(), NumberRange(min=1, max=10000)])


class ReasonForm(Form):
    reason = StringField(_l("原因"), validators=[Optional(), Length(max=500)])


class AgreementForm(Form):
    community_id = SelectField(_l("社区"), coerce=int, validators=[DataRequired()])
    unit_id = SelectField(_l("共建单位"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("协议名称"), validators=[DataRequired(), fits(Agreement.title)])
    content = TextAreaField(_l("协议内容"), validators=[DataRequired(), Length(max=5000)])
    starts_on = DateField(_l("开始日期"), validators=[DataRequired(), DateInRange()])
    ends_on = DateField(_l("结束日期"), validators=[DataRequired(), DateInRange()])
