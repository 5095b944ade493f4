from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, fits
from app.params import id_range
from app.teams.models import Team


class TeamForm(Form):
    name = StringField(_l("服务队名称"), validators=[DataRequired(), fits(Team.name)])
    home = SelectField(_l("所属社区或单位"), validators=[DataRequired()])
    leader_id = IntegerField(_l("队长（党员编号）"), validators=[DataRequired(), id_range()])
    specialities = StringField(_l("专长（用逗号分隔）"), validators=[Optional(), Length(max=400)])
    description = StringField(_l("简介"), validators=[Optional(), fits(Team.description)])


class MemberForm(Form):
    member_id = IntegerField(_l("党员编号"), validators=[DataRequired(), id_range()])


class ClaimForm(Form):
    target_id = IntegerField(_l("编号"), validators=[DataRequired(), id_range()])
