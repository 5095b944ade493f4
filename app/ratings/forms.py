from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FloatField, FormField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form, SubForm
from app.params import id_range, year_range
from app.ratings.models import LEVEL_LABELS, LEVEL_ORDER, SHOWN_LABELS, RatingLevel

KEEP = ""


class RatingForm(Form):
    level = SelectField(_l("评议等次"), choices=[(KEEP, _l("保持当前等次"))] + [
        (str(level), _l(LEVEL_LABELS[level])) for level in LEVEL_ORDER])
    comment = TextAreaField(_l("评语（必填）"),
                            validators=[DataRequired(message=_l("请填写评语")), Length(max=1000)])


class PublishForm(Form):
    community_id = IntegerField(validators=[DataRequired(), id_range()])
    year = IntegerField(_l("年度"), validators=[InputRequired(), year_range()])
    confirm_low = BooleanField(_l("我已核对评议标准和各人情况，仍然公布"))


class PublicityForm(Form):
    community_id = IntegerField(validators=[DataRequired(), id_range()])
    is_public = BooleanField(_l("公开本社区评议结果（双公示）"))
    shown_levels = SelectField(_l("公示范围"), choices=[(str(k), _l(v)) for k, v in SHOWN_LABELS.items()],
                               validators=[Optional()], validate_choice=True)


class LevelForm(SubForm):
    min_points = IntegerField(_l("积分不少于"), validators=[InputRequired(), NumberRange(min=0, max=100000)])
    min_checklist_percent = IntegerField(_l("五个一完成不低于（%）"),
                                         validators=[InputRequired(), NumberRange(min=0, max=100)])
    min_satisfaction = FloatField(_l("满意度不低于（1-5，可空）"),
                                  validators=[Optional(), NumberRange(min=1, max=5)])
    max_abandoned = IntegerField(_l("放弃领单不超过（可空）"),
                                 validators=[Optional(), NumberRange(min=0, max=1000)])
    min_unit_score = FloatField(_l("单位综合得分不低于（0-100，空白为默认）"),
                                validators=[Optional(), NumberRange(min=0, max=100)])


class ThresholdsForm(Form):
    place_id = IntegerField(validators=[DataRequired(), id_range()])
    year = IntegerField(_l("年度"), validators=[InputRequired(), year_range()])
    # Labels from LEVEL_LABELS (marked there); no literal inside _l, or extraction would take it.
    excellent = FormField(LevelForm, label=_l(LEVEL_LABELS[RatingLevel.EXCELLENT]))
    good = FormField(LevelForm, label=_l(LEVEL_LABELS[RatingLevel.GOOD]))
    qualified = FormField(LevelForm, label=_l(LEVEL_LABELS[RatingLevel.QUALIFIED]))
    basic = FormField(LevelForm, label=_l(LEVEL_LABELS[RatingLevel.BASIC]))
