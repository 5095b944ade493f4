"""Unit and staff ratings tables: names in pinyin order (not code points), a legend for every
mark, the members-by-level bar."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.i18n import pinyin_key
from tests import factories as f
from tests.ratings.helpers import YEAR


def html(res) -> str:
    return res.get_data(as_text=True)


NAMES = ["张伟", "曾志强", "蔡文", "陈静", "阿婆", "王芳"]  # code-point order would be 张 < 曾 < 蔡 ...
PINYIN = ["阿婆", "蔡文", "陈静", "王芳", "曾志强", "张伟"]


def test_pinyin_key():
    assert sorted(NAMES, key=pinyin_key) == PINYIN
    assert sorted(["单田芳", "曹操"], key=pinyin_key) == ["曹操", "单田芳"]  # 单 as a surname: shan
    assert sorted(NAMES) != PINYIN


def no_one_else_named_so() -> None:
    """The factories name people from a sequence (surname + given name), so which test runs
    first decides whether someone else is already 陈静 or 王芳: the table would rightly list
    two (a red run did)."""
    db.session.execute(sa.update(User).where(User.name.in_(NAMES)).values(name="其他人"))


def test_the_unit_table_lists_names_in_pinyin_order(rated, api, page):
    no_one_else_named_so()
    for name in NAMES:
        f.member_in(rated.comm1, rated.unit2).name = name
    db.session.commit()
    listed = api(rated.unit_admin2).get(f"/units/{rated.unit2.id}/ratings?year={YEAR}&page_size=100").json
    names = [i["name"] for i in listed["items"] if i["name"] in NAMES]
    assert names == PINYIN
    desc = api(rated.unit_admin2).get(f"/units/{rated.unit2.id}/ratings?year={YEAR}&sort=-name").json
    assert [i["name"] for i in desc["items"] if i["name"] in NAMES] == PINYIN[::-1]
    body = html(page(rated.unit_admin2).get(f"/unit/ratings?year={YEAR}"))
    shown = [n for n in re.findall(r">([^<>]+)</a> <small", body) if n in NAMES]
    assert shown == PINYIN


def test_the_unit_page_has_a_level_bar_and_a_legend(rated, page):
    body = html(page(rated.unit_admin1).get(f"/unit/ratings?year={YEAR}"))
    assert 'data-testid="level-bar"' in body and 'data-testid="marks-legend"' in body
    assert "优秀 <b>1</b>" in body and "不合格 <b>1</b>" in body
    assert "工作人员调整了系统测算的等次" in body and "<th class=\"no-print\"></th>" not in body


def test_the_staff_page_lists_names_in_pinyin_order(rated, page):
    no_one_else_named_so()
    for name in NAMES:
        f.member_in(rated.comm1, rated.unit1).name = name
    db.session.commit()
    body = html(page(rated.staff1).get(f"/staff/ratings?year={YEAR}"))
    shown = [n for n in re.findall(r'year=\d+">([^<]+)</a></td>', body) if n in NAMES]
    assert shown == PINYIN
