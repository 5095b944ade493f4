"""The unit's ratings as an .xlsx workbook (openpyxl, write-only: one pass, low memory)."""
from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from app.auth.permissions import mask_phone
from app.database import LOCAL_TZ
from app.i18n import N_
from app.ratings.rows import RatingRow

# Headers and labels are written in the reader's language (gettext; Chinese by default).
COLUMNS = (
    (N_("党员编号"), 10), (N_("姓名"), 12), (N_("手机"), 14), (N_("报到社区"), 22), (N_("评议等次"), 10),
    (N_("系统测算等次"), 12), (N_("状态"), 8), (N_("公布日期"), 12), (N_("积分"), 8),
    (N_("五个一完成"), 10), (N_("五个一项数"), 10), (N_("服务时长（小时）"), 14), (N_("满意度"), 8),
    (N_("评价次数"), 8), (N_("放弃领单"), 8), (N_("评语"), 40),
)
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_text(text: str | None) -> str | None:
    """Text as a cell may hold it: control characters (which the XML of a workbook cannot
    carry) dropped; empty text is None (no cell written)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text) or None if text else None


def _label(label: str | None) -> str | None:
    return gettext(label) if label else None


def row_values(row: RatingRow, phone: str | None) -> list:
    """The row's cells; an empty value is None (no cell written: a fifth fewer cells to write)."""
    return [
        row.member_id, cell_text(row.name), phone or None, cell_text(row.community_name),
        _label(row.level_label), _label(row.computed_level_label), _label(row.status_label),
        row.published_at.astimezone(LOCAL_TZ).date().isoformat() if row.published_at else None,
        row.points, row.checklist_completed, row.checklist_total, round(row.hours, 1),
        round(row.avg_satisfaction, 2) if row.avg_satisfaction is not None else None,
        row.satisfaction_count, row.abandoned_claims, cell_text(row.comment),
    ]


def workbook(title: str, rows: list[RatingRow],
             phone: Callable[[RatingRow], str | None] = lambda row: mask_phone(row.phone)) -> bytes:
    """One sheet: a header and a row per member, the columns of the unit page. `phone` gives
    a member's number as the reader may see it (masked by default)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31] or "ratings")
    for n, (_, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + n)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name, _ in COLUMNS:
        cell = WriteOnlyCell(ws, value=gettext(name))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append(row_values(row, phone(row)))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
