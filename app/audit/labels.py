"""Words for the audit page: what each recorded action means, and its detail as one line."""
from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import label

ACTION_LABELS = {
    "place.create": _l("新建地区"), "unit.create": _l("新建单位"), "unit.register": _l("单位报到"),
    "user.create": _l("新建账号"), "user.password_change": _l("修改密码"),
    "user.password_reset": _l("重置密码"), "user.disable": _l("停用账号"), "user.enable": _l("启用账号"),
    "registration.approve": _l("通过报到"),
    "registration.reject": _l("驳回报到"), "activity.create": _l("发布活动"),
    "activity.cancel": _l("取消活动"), "activity.attendance": _l("补录出勤"),
    "service_record.verify": _l("通过服务记录"), "service_record.reject": _l("驳回服务记录"),
    "suggestion.adopt": _l("采纳建议"), "suggestion.decline": _l("不采纳建议"),
    "household.create": _l("新增困难群众"), "pairing.create": _l("结对帮扶"),
    "points.adjust": _l("积分调整"), "scoring_rule.update": _l("修改积分规则"),
    "checklist.configure": _l("设置“五个一”清单"), "order.create": _l("点单"),
    "order.dispatch": _l("派单"), "order.reject": _l("退回点单"), "order.accept": _l("单位接单"),
    "order.decline": _l("单位退单"), "order.claim": _l("领单"), "order.release": _l("放弃领单"),
    "order.complete": _l("完成点单"), "order.rate": _l("评价点单"), "order.reopen": _l("重新打开点单"),
    "order.cancel": _l("取消点单"), "order.invite": _l("邀请党员领单"),
    "rating.revise": _l("修改已公布评议"), "rating.override": _l("调整评议"),
    "rating.publish": _l("公布年度评议"), "rating.publicity": _l("双公示开关"),
    "rating.thresholds": _l("设置评议标准"), "rating.export": _l("导出评议名册"),
    "certificate.issue": _l("出具志愿服务证明"), "certificate.revoke": _l("作废志愿服务证明"),
}
TARGET_LABELS = {
    "place": _l("地区"), "unit": _l("单位"), "unit_registration": _l("单位报到"), "user": _l("账号"),
    "registration": _l("报到"), "activity": _l("活动"), "service_record": _l("服务记录"),
    "suggestion": _l("建议"), "household": _l("困难群众"), "pairing": _l("结对"),
    "ledger_entry": _l("积分记录"), "scoring_rule": _l("积分规则"), "service_order": _l("点单"),
    "rating": _l("评议"), "rating_threshold": _l("评议标准"), "certificate": _l("服务证明"),
}
KEY_LABELS = {
    "member_id": _l("党员"), "year": _l("年度"), "reason": _l("原因"), "title": _l("标题"),
    "name": _l("名称"), "comment": _l("评语"), "before": _l("修改前"), "after": _l("修改后"),
    "points": _l("分值"), "role": _l("角色"), "username": _l("用户名"), "kind": _l("类型"),
    "unit_id": _l("单位"), "community_id": _l("社区"), "household_id": _l("困难户"),
    "resident_id": _l("居民"), "published": _l("公布人数"), "is_public": _l("双公示"),
    "level": _l("等次"), "old_level": _l("原等次"), "new_level": _l("新等次"), "note": _l("备注"),
    "key": _l("规则"), "items": _l("事项"), "levels": _l("等次标准"),
    "from": _l("起始日期"), "to": _l("截止日期"), "hours": _l("时长"),
}
# {detail key: {stored value: label}}: a higher domain registers the words for its own values
# (ratings: the levels), so audit never imports it.
VALUE_LABELS: dict[str, dict[str, str]] = {}
LIMIT = 160


def register_value_labels(keys, labels: dict[str, str]) -> None:
    """Shows the values of these detail keys in words (`labels`: msgids, translated when shown)."""
    for key in keys:
        VALUE_LABELS[key] = labels


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def target_label(target_type: str) -> str:
    return str(TARGET_LABELS.get(target_type, target_type))


def _value(key: str, value) -> str:
    if key in VALUE_LABELS and isinstance(value, str):
        return label(value, VALUE_LABELS[key])
    if isinstance(value, dict) and key in ("before", "after"):  # a change: its fields in words
        return "{" + _("，").join(f"{KEY_LABELS.get(k, k)}: {_value(k, v)}" for k, v in value.items()) + "}"
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def describe(detail: dict | None) -> str:
    """The detail as "key: value · …" in readable words (Chinese as written, not \\u escapes),
    cut at LIMIT characters (the whole record stays in the database)."""
    text = " · ".join(f"{KEY_LABELS.get(k, k)}: {_value(k, v)}" for k, v in (detail or {}).items())
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"
