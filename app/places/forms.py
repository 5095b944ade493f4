from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.places.models import PlaceKind, UnitKind

PLACE_KIND_LABELS = {"district": "区", "street": "街道", "community": "社区", "grid": "网格"}
UNIT_KIND_LABELS = {"agency": "机关", "institution": "事业单位", "enterprise": "国有企业", "other": "其他"}


class PlaceForm(FlaskForm):
    kind = SelectField("类型", choices=[(k.value, PLACE_KIND_LABELS[k]) for k in PlaceKind])
    name = StringField("名称", validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField("上级", coerce=int, validators=[Optional()])


class UnitForm(FlaskForm):
    name = StringField("单位名称", validators=[DataRequired(), Length(max=120)])
    kind = SelectField("类型", choices=[(k.value, UNIT_KIND_LABELS[k]) for k in UnitKind])


class AccountForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(min=3, max=64)])
    password = PasswordField("初始密码", validators=[DataRequired(), Length(min=8, max=128)])
    name = StringField("姓名", validators=[DataRequired(), Length(max=64)])
    phone = StringField("手机号", validators=[Optional(), Length(max=20)])
    role = SelectField("角色", choices=[("staff", "社区工作人员"), ("unit_admin", "单位管理员"),
                                      ("street_admin", "街道/区管理员"), ("resident", "居民")])
    place_id = SelectField("所属地区", coerce=int, validators=[Optional()])
    unit_id = SelectField("所属单位", coerce=int, validators=[Optional()])
