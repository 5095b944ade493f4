"""The statistics page: figures coloured by meaning (未服务率 is bad), charts coloured so too
with text large enough for a phone, the month-by-month trend, the xlsx export (page and API,
audited), and who may have it."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.audit.models import AuditEntry
from app.ratings import charts
from app.ratings.trend import monthly
from tests.conftest import count
from tests.ratings.helpers import WHEN, YEAR


def html(res) -> str:
    return res.get_data(as_text=True)


def test_figures_are_coloured_by_meaning(rated, page):
    body = html(page(rated.street_admin).get(f"/stats?year={YEAR}"))
    assert re.search(r'class="stat fig-bad"><b data-testid="idle-rate">', body)
    assert re.search(r'class="stat fig-good"><b data-testid="served">', body)
    assert re.search(r'class="stat fig-neutral"><b data-testid="registered">', body)
    idle_chart = body[body.index("<title>未服务率</title>"):]
    idle_chart = idle_chart[:idle_chart.index("</svg>")]
    assert f'fill="{charts.BAD}"' in idle_chart and f'fill="{charts.GOOD}"' not in idle_chart


def test_chart_text_is_readable_on_a_phone():
    svg = charts.bar_chart("标题", [("仓边社区", [3, 4]), ("都府社区", [None, 1])], ("甲", "乙"))
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    phone_width = 390 - 4 * 16 - 2  # container and card padding, borders
    assert min(sizes) * phone_width / charts.WIDTH >= 12


def test_the_monthly_trend(rated, page):
    months = monthly({"id": rated.comm1.id}, YEAR)
    assert [m["month"] for m in months] == list(range(1, 13))
    june = months[WHEN.month - 1]
    assert june["served"] >= 1 and june["completed"] >= 1  # rated orders were done in June
    assert sum(m["placed"] for m in months) >= june["placed"] >= 1
    body = html(page(rated.staff1).get(f"/stats?year={YEAR}"))
    assert 'data-testid="monthly"' in body and "每月服务的党员" in body


def test_the_statistics_export(rated, page, api):
    res = page(rated.street_admin).get(f"/stats.xlsx?year={YEAR}")
    assert res.status_code == 200 and res.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(BytesIO(res.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"北京街道 {YEAR} 年度统计"
    assert rows[1][:4] == ("名称", "已报到", "已服务", "未服务率")
    assert rows[2][0] == "合计" and {r[0] for r in rows[3:5]} == {"仓边社区", "都府社区"}
    month_header = rows.index(("月份", "服务党员", "新点单", "办结点单", *[None] * 6))
    assert rows[month_header + 1][0] == "1月" and len(rows) == month_header + 13
    assert count(AuditEntry, AuditEntry.action == "statistics.export") == 1
    via_api = api(rated.staff1).get(f"/statistics.xlsx?year={YEAR}")
    assert via_api.status_code == 200
    assert load_workbook(BytesIO(via_api.data)).active["A1"].value == f"仓边社区 {YEAR} 年度统计"
    assert count(AuditEntry, AuditEntry.action == "statistics.export") == 2


@pytest.mark.parametrize("who,query,status", [
    ("unit_admin1", "", 403), ("member1", "", 403), ("staff1", "?place_id={comm3}", 403),
    ("staff1", "?year=abc", 400), ("staff1", "?place_id=abc", 400)])
def test_the_export_refused(rated, page, who, query, status):
    res = page(getattr(rated, who)).get("/stats.xlsx" + query.format(comm3=rated.comm3.id))
    assert res.status_code == status
    if status == 400:
        assert query.split("=")[0].lstrip("?") in html(res)
    assert count(AuditEntry, AuditEntry.action == "statistics.export") == 0
