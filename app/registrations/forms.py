from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RegistrationForm(FlaskForm):
    community_id = SelectField("居住地社区", coerce=int, validators=[DataRequired()])
    grid_id = SelectField("网格（可选）", coerce=int, validators=[Optional()])
    address = StringField("居住地址", validators=[DataRequired(), Length(max=200)])
    skills = StringField("个人特长（用逗号分隔）", validators=[Optional(), Length(max=400)])
    availability = StringField("可服务时间（作息时间）", validators=[Optional(), Length(max=200)])


class RejectForm(FlaskForm):
    reason = TextAreaField("驳回原因", validators=[DataRequired(), Length(max=500)])


def split_skills(text: str | None) -> list[str]:
    if not text:
        return []
    for sep in "，、;；":
        text = text.replace(sep, ",")
    return [s.strip() for s in text.split(",") if s.strip()]
