from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.announcements.models import Announcement
from app.forms import Form, fits
from app.params import DateInRange


class AnnouncementForm(Form):
    place_id = SelectField(_l("发布范围"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("标题"), validators=[DataRequired(), fits(Announcement.title)])
    body = TextAreaField(_l("内容"), validators=[DataRequired(), Length(max=2000)])
    is_pinned = BooleanField(_l("置顶"))
    expires_on = DateField(_l("到期日期（可选，过期后不再显示）"), validators=[Optional(), DateInRange()])
