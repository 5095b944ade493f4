from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, fits
from app.registrations.models import Registration


class TransferForm(Form):
    """Where the member lives now: community, grid if known, address."""

    community_id = SelectField(_l("居住地社区"), coerce=int,
                               validators=[DataRequired(message=_l("请选择社区"))])
    grid_id = SelectField(_l("网格（可选）"), coerce=int, validators=[Optional()])
    address = StringField(_l("居住地址"), validators=[DataRequired(), fits(Registration.address)])


class RegistrationForm(TransferForm):
    skills = StringField(_l("个人特长（用逗号分隔）"), validators=[Optional(), Length(max=400)])
    availability = StringField(_l("可服务时间（作息时间）"),
                               validators=[Optional(), fits(Registration.availability)])


class RejectForm(Form):
    reason = TextAreaField(_l("驳回原因"), validators=[DataRequired(), fits(Registration.reason)])


def split_skills(text: str | None) -> list[str]:
    if not text:
        return []
    for sep in "，、;；":
        text = text.replace(sep, ",")
    return [s.strip() for s in text.split(",") if s.strip()]


class UnitRegistrationForm(Form):
    """组织报到: a unit reports to a community with the resources it offers."""

    unit_id = SelectField(_l("单位"), coerce=int, validators=[DataRequired()])
    community_id = SelectField(_l("报到社区"), coerce=int, validators=[DataRequired()])
    resources = TextAreaField(_l("可提供的资源（每行一项）"), validators=[DataRequired(), Length(max=5000)],
                              description=_l("如：法律咨询、会议室、志愿服务队"))


def split_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("；", "\n").splitlines() if line.strip()]
