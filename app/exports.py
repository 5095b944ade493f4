"""Every spreadsheet the platform writes (xlsx or CSV) goes through here, so no stored text can
become a formula when someone opens the file (CSV / formula injection, the OWASP rule): a
text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written as text.

- xlsx: such a cell is a string cell (openpyxl would otherwise store `=...` as a formula) with
  Excel's "quote prefix" style, so it shows exactly what was typed and stays text when edited.
- CSV: the value is prefixed with `'`, as the spreadsheet programs that read it expect.

`tests/test_exports.py` fails when another module of `app/` imports openpyxl or csv."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def cell_text(text: str | None) -> str | None:
    """Text as a cell may hold it: control characters (which the XML of a workbook cannot
    carry; tab, LF and CR are kept) dropped; empty text is None (no cell written)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text) or None if text else None


def xlsx_cell(ws, value, font: Font | None = None):
    """One cell of a write-only sheet: a text value is cleaned and, if it could be read as a
    formula, written as a quoted string; numbers, dates and None are written as they are."""
    if isinstance(value, str):
        value = cell_text(value)
    cell = WriteOnlyCell(ws, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


class XlsxSheet:
    """A one-sheet workbook written in one pass (openpyxl write-only: low memory)."""

    def __init__(self, title: str, widths: Sequence[int] = ()):
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title[:31] or "sheet")
        for n, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(n)].width = width

    def header(self, labels: Iterable[str], title: str | None = None) -> None:
        """The column headers, frozen; `title`: a title row above them (what the sheet is)."""
        bold = Font(bold=True)
        if title:
            self.sheet.append([xlsx_cell(self.sheet, title, Font(bold=True, size=14))])
        self.sheet.append([xlsx_cell(self.sheet, label, bold) for label in labels])
        self.sheet.freeze_panes = "A3" if title else "A2"

    def append(self, values: Iterable) -> None:
        self.sheet.append([xlsx_cell(self.sheet, value) for value in values])

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()


def csv_value(value):
    """A CSV field: text that could be read as a formula gets a leading `'`."""
    if isinstance(value, str):
        return "'" + value if looks_like_formula(value) else value
    return "" if value is None else value


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable]) -> bytes:
    """A UTF-8 CSV (with BOM, so spreadsheet programs read the Chinese), every field safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_value(v) for v in header])
    writer.writerows([csv_value(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(title: str, headers: Sequence[str], example: Sequence, *,
                  text_columns: Iterable[int] = (), choices: dict[int, Sequence[str]] | None = None,
                  choice_error: str = "", rows_with_choices: int = 100000) -> bytes:
    """A template to fill in: a header row, an example row, columns formatted as text (phones
    keep their digits), drop-down lists for the columns with fixed choices (0-based indexes)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "sheet"
    sheet.append([cell_text(str(h)) for h in headers])
    sheet.append([cell_text(v) if isinstance(v, str) else v for v in example])
    text_columns = set(text_columns)
    for index, header in enumerate(headers):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = max(12, len(str(header)) * 3)
        if index in text_columns:
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index + 1).number_format = "@"
        if choices and index in choices:
            validation = DataValidation(type="list", formula1='"' + ",".join(choices[index]) + '"',
                                        allow_blank=True)
            validation.error = choice_error
            validation.add(f"{letter}2:{letter}{rows_with_choices}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
