from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form, fits
from app.registrations.models import Registration, UnitResource
from app.registrations.resources import KIND_LABELS, QUANTITY_MAX


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
    resources = FieldList(FormField(lambda *a, **kw: ResourceItemForm(*a, meta={"csrf": False}, **kw)),
                          min_entries=3, max_entries=10)  # rows inside a form that has its token

    def items(self) -> list[dict]:
        """The filled rows as resource items (a row without a name is left out)."""
        return [row.item() for row in self.resources if (row.form.name.data or "").strip()]


def kind_choices(blank=True) -> list[tuple[str, str]]:
    choices = [(kind.value, label) for kind, label in KIND_LABELS.items()]
    return [("", _l("请选择类别")), *choices] if blank else choices


class ResourceItemForm(Form):
    """One item of a unit's resource list (资源清单): a row of the unit-reporting form, or the
    unit admin's own form."""

    kind = SelectField(_l("资源类别"), choices=kind_choices(), validators=[Optional()])
    name = StringField(_l("资源名称"), validators=[Optional(), fits(UnitResource.name)])
    quantity = IntegerField(_l("数量或容量"), validators=[Optional(), NumberRange(min=0, max=QUANTITY_MAX)])
    available = StringField(_l("可用时间"), validators=[Optional(), fits(UnitResource.available)])
    contact = StringField(_l("联系人及电话"), validators=[Optional(), fits(UnitResource.contact)])
    description = TextAreaField(_l("说明"), validators=[Optional(), fits(UnitResource.description)])

    def item(self) -> dict:
        return {"kind": self.kind.data or None, "name": self.name.data, "quantity": self.quantity.data,
                "available": self.available.data, "contact": self.contact.data,
                "description": self.description.data}

