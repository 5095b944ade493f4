"""Demo places: the district, its streets, communities and grids, and the units, through the
places services."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.places.models import Place, PlaceKind, Unit
from app.places.services import create_place, create_unit

DISTRICT = "越秀区"
STREETS = {
    "北京街道": ["仓边社区", "都府社区", "西湖社区"],
    "六榕街道": ["光孝社区", "六榕社区", "华宁社区"],
}
GRIDS_PER_COMMUNITY = 3
UNITS = [  # (name, kind, resources offered when reporting to a community: 组织报到)
    ("区税务局", "agency", ["税务政策咨询", "党员志愿服务队", "会议室"]),
    ("区人民法院", "agency", ["法律咨询", "普法讲座", "矛盾纠纷调解"]),
    ("区教育局", "agency", ["四点半课堂师资", "家庭教育讲座"]),
    ("市第一人民医院", "institution", ["义诊", "健康讲座", "慢病随访"]),
    ("区疾病预防控制中心", "institution", ["防疫宣传", "健康档案协助"]),
    ("区图书馆", "institution", ["流动图书", "阅读活动场地"]),
    ("广州地铁集团", "enterprise", ["文明出行志愿者", "安全宣传"]),
    ("区供电局", "enterprise", ["上门检修线路", "用电安全检查"]),
]


@dataclass
class Tree:
    district: Place
    streets: list[Place] = field(default_factory=list)
    communities: list[Place] = field(default_factory=list)
    grids: dict[int, list[Place]] = field(default_factory=dict)


def is_built() -> bool:
    return db.session.scalar(sa.select(Place.id).where(Place.kind == PlaceKind.DISTRICT,
                                                       Place.name == DISTRICT)) is not None


def build_tree(admin: User) -> Tree:
    """The district, its streets, their communities and each community's grids."""
    tree = Tree(create_place(kind=PlaceKind.DISTRICT, name=DISTRICT, parent_id=None, actor=admin))
    for street_name, community_names in STREETS.items():
        street = create_place(kind=PlaceKind.STREET, name=street_name, parent_id=tree.district.id,
                              actor=admin)
        tree.streets.append(street)
        for name in community_names:
            community = create_place(kind=PlaceKind.COMMUNITY, name=name, parent_id=street.id, actor=admin)
            tree.communities.append(community)
            tree.grids[community.id] = [
                create_place(kind=PlaceKind.GRID, name=f"第{'一二三四五'[g]}网格", parent_id=community.id,
                             actor=admin)
                for g in range(GRIDS_PER_COMMUNITY)
            ]
    return tree


def add_unit(name: str, kind: str, admin: User) -> Unit:
    return create_unit(name=name, kind=kind, actor=admin)
