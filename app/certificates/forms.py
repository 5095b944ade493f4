from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired

from app.certificates.models import Certificate
from app.forms import Form, fits


class RevokeForm(Form):
    reason = StringField(_l("作废原因"), validators=[DataRequired(), fits(Certificate.revoke_reason)])
