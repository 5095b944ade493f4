"""Reading an uploaded .xlsx (openpyxl, read-only, streamed row by row) or .csv into rows of
clean text, and refusing files that are not what they claim. Cells are normalised here once:
NFKC (full-width digits and letters become ASCII), surrounding spaces stripped, whole
numbers written without ".0". What cannot be read as text (a formula, a date) is a cell error
the caller reports with its row and column."""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from openpyxl import load_workbook

from app.errors import Invalid

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls (Excel 97-2003)
MERGE_TAG = re.compile(rb"<(?:\w+:)?mergeCell\b")


class CellError(Exception):
    """A cell that cannot be read as text; the message is for the user."""


@dataclass
class SourceRow:
    number: int                       # the row number the user sees in Excel (header = 1)
    cells: dict[str, str | CellError]


def refuse(message: str):
    return Invalid("file", message)


def clean_text(value) -> str:
    """A cell as text: None → "", whole floats without ".0", NFKC, stripped; dates and
    formulas raise CellError."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime, date, time)):
        raise CellError(_("单元格是日期格式，请改为文本后再导入"))
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            value = repr(value)
    text = unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ").strip()
    if text.startswith("="):
        raise CellError(_("单元格含公式，请粘贴为数值后再导入"))
    return text


def _sniff(data: bytes, filename: str) -> str:
    name = (filename or "").lower()
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise refuse(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx"))
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if name.endswith(".csv") or not name.endswith(".xlsx"):
        return "csv"
    raise refuse(_("文件不是有效的 Excel (.xlsx) 文件"))


def open_rows(data: bytes, filename: str, headers: tuple[str, ...], required: tuple[str, ...],
              max_rows: int):
    """Checks the file and its header row, then yields its data rows (blank rows skipped).
    Raises Invalid("file") (a 422) for a file that is not a spreadsheet, has no or a wrong
    header, is empty, has merged cells or more than `max_rows` data rows."""
    if not data:
        raise refuse(_("文件为空"))
    kind = _sniff(data, filename)
    raw_rows = iter(_xlsx_rows(data) if kind == "xlsx" else _csv_rows(data))
    for number, values in raw_rows:
        if any(v is not None and str(v).strip() != "" for v in values):
            header = _check_header(values, headers, required)
            return _data_rows(raw_rows, header, number, max_rows)
    raise refuse(_("文件为空，没有表头"))


def _data_rows(raw_rows, header: dict[int, str], header_number: int, max_rows: int):
    for number, values in raw_rows:
        if number - header_number > max_rows:
            raise refuse(_("文件超过 %(n)s 行的上限，请分批导入", n=max_rows))
        cells: dict[str, str | CellError] = {}
        for index, name in header.items():
            value = values[index] if index < len(values) else None
            try:
                cells[name] = clean_text(value)
            except CellError as err:
                cells[name] = err
        if all(v == "" for v in cells.values()):
            continue
        yield SourceRow(number, cells)


def _check_header(values, headers, required) -> dict[int, str]:
    found: dict[int, str] = {}
    unknown = []
    for index, value in enumerate(values):
        try:
            name = clean_text(value)
        except CellError:
            name = str(value)
        if not name:
            continue
        name = name.rstrip("*＊").strip()
        if name in headers:
            if name in found.values():
                raise refuse(_("表头“%(name)s”重复", name=name))
            found[index] = name
        else:
            unknown.append(name)
    missing = [h for h in required if h not in found.values()]
    if missing:
        raise refuse(_("表头缺少：%(names)s。请使用下载的模板", names="、".join(missing)))
    if unknown:
        raise refuse(_("表头有无法识别的列：%(names)s。请使用下载的模板", names="、".join(unknown[:5])))
    return found


def _xlsx_rows(data: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheet_path = _first_sheet_path(archive)
        if _has_merged_cells(archive, sheet_path):
            raise refuse(_("表格含合并单元格，请取消合并并在每行填写完整后再导入"))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Invalid:
        raise
    except Exception:  # a zip that is not a workbook, a damaged workbook
        raise refuse(_("文件不是有效的 Excel (.xlsx) 文件")) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    except Exception:  # a sheet whose XML breaks off or holds what a cell cannot be
        raise refuse(_("文件不是有效的 Excel (.xlsx) 文件")) from None
    finally:
        workbook.close()


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    names = archive.namelist()
    if "xl/workbook.xml" not in names:
        raise refuse(_("文件不是有效的 Excel (.xlsx) 文件"))
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
    if not sheets:
        raise refuse(_("文件不是有效的 Excel (.xlsx) 文件"))
    return "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in sheets else sheets[0]


def _has_merged_cells(archive: zipfile.ZipFile, path: str) -> bool:
    """Read-only worksheets do not expose merged ranges: scan the sheet's XML in chunks."""
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 16):
            if MERGE_TAG.search(tail + chunk):
                return True
            tail = chunk[-32:]
    return False


def _csv_rows(data: bytes):
    text_stream = _decoded(data)
    try:
        yield from enumerate(csv.reader(text_stream), start=1)
    except (csv.Error, UnicodeDecodeError):
        raise refuse(_("文件不是有效的 CSV 或 Excel 文件")) from None


def _decoded(data: bytes):
    if b"\x00" in data[:4096]:
        raise refuse(_("文件不是有效的 CSV 或 Excel 文件"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.decode(data[:65536], encoding)
        except UnicodeDecodeError as err:
            if err.start < 65536 - 4:  # not merely a character cut at the sample's end
                continue
        return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    raise refuse(_("文件不是有效的 CSV 或 Excel 文件"))
