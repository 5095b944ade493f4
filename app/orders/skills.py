"""Which of a member's skills (个人特长) fit an order's category: the candidates' ranking and
the notices of new pool needs use the same rule."""
from __future__ import annotations

CATEGORY_WORDS = {
    "扶贫助困": ("扶贫", "助困", "帮扶", "救助", "社工"),
    "洁净家园": ("清洁", "保洁", "卫生", "环保", "垃圾", "绿化"),
    "守护平安": ("安全", "巡逻", "治安", "消防", "保安", "安保"),
    "文明出行": ("交通", "出行", "驾驶", "停车", "司机"),
    "和睦邻里": ("调解", "邻里", "沟通", "心理", "矛盾"),
    "关爱老人": ("老人", "养老", "护理", "陪护", "照护", "陪伴", "理发", "助餐"),
    "课业辅导": ("辅导", "教师", "家教", "教育", "数学", "语文", "英语", "物理"),
    "法律咨询": ("法律", "律师", "法务", "合同"),
    "医疗健康": ("医", "护士", "健康", "药", "体检", "康复"),
    "理财咨询": ("理财", "财务", "会计", "金融", "税"),
    "维修服务": ("维修", "水电", "电工", "家电", "修理", "木工"),
}


def skill_matches(skill: str, category: str) -> bool:
    return skill in category or category in skill or any(
        word in skill for word in CATEGORY_WORDS.get(category, ()))
