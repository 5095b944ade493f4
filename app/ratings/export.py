"""The unit's ratings as an .xlsx workbook (app.exports: one pass, low memory, no formulas)."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext

from app.auth.permissions import mask_phone
from app.clock import LOCAL_TZ
from app.exports import XLSX_MIME, XlsxSheet
from app.i18n import N_
from app.ratings.rows import RatingRow

# Headers and labels are written in the reader's language (gettext; Chinese by default).
COLUMNS = (
    (N_("序号"), 6), (N_("党员编号"), 10), (N_("姓名"), 12), (N_("手机"), 14), (N_("报到社区"), 22),
    (N_("评议等次"), 10), (N_("系统测算等次"), 12), (N_("状态"), 8), (N_("公布日期"), 12), (N_("积分"), 8),
    (N_("五个一"), 8), (N_("服务时长（小时）"), 14), (N_("满意度"), 8),
    (N_("评价次数"), 8), (N_("放弃领单"), 8), (N_("评语"), 40),
)
MIME = XLSX_MIME


def _label(label: str | None) -> str | None:
    return gettext(label) if label else None


def row_values(n: int, row: RatingRow, phone: str | None) -> list:
    """The cells of the n-th row (序号, from 1); an empty value is None (no cell written: a
    fifth fewer cells to write); text is made safe by app.exports. 五个一 reads "3/5"."""
    return [
        n, row.member_id, row.name, phone or None, row.community_name,
        _label(row.level_label), _label(row.computed_level_label), _label(row.status_label),
        row.published_at.astimezone(LOCAL_TZ).date().isoformat() if row.published_at else None,
        row.points, f"{row.checklist_completed}/{row.checklist_total}", round(row.hours, 1),
        round(row.avg_satisfaction, 2) if row.avg_satisfaction is not None else None,
        row.satisfaction_count, row.abandoned_claims, row.comment or None,
    ]


def workbook(title: str, rows: list[RatingRow],
             phone: Callable[[RatingRow], str | None] = lambda row: mask_phone(row.phone),
             heading: str | None = None) -> bytes:
    """One sheet: a title row, a header and a row per member (numbered), the columns of the
    unit page. `phone` gives a member's number as the reader may see it (masked by default)."""
    sheet = XlsxSheet(title or "ratings", [width for _, width in COLUMNS])
    sheet.header((gettext(name) for name, _ in COLUMNS), title=heading or title)
    for n, row in enumerate(rows, start=1):
        sheet.append(row_values(n, row, phone(row)))
    return sheet.to_bytes()
