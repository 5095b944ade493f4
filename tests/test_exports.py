"""Formula injection: no text a user typed becomes a formula in a file the platform writes
(the OWASP rule for CSV / spreadsheet exports), and every export goes through app/exports.py."""
import csv
import io
import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.exports import FORMULA_START, XlsxSheet, csv_bytes, csv_value

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "=1+1"]
APP = Path(__file__).resolve().parent.parent / "app"


def _cells(data: bytes):
    return [cell for row in load_workbook(BytesIO(data)).active.iter_rows() for cell in row]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_text_cell_that_looks_like_a_formula_is_written_as_text(text):
    sheet = XlsxSheet("t", [10])
    sheet.header(["名称"])
    sheet.append([text, 7, "普通文字"])
    cells = [c for c in _cells(sheet.to_bytes()) if c.value is not None]
    assert [c.data_type for c in cells] == ["s", "s", "n", "s"]
    assert cells[1].value == text and cells[1].quotePrefix is True  # shown as typed, stays text
    assert cells[3].quotePrefix is False


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_csv_field_that_looks_like_a_formula_gets_a_quote(text):
    assert csv_value(text) == "'" + text
    assert csv_value("张伟") == "张伟" and csv_value(5) == 5 and csv_value(None) == ""
    rows = list(csv.reader(io.StringIO(csv_bytes(["姓名"], [[text, 1]]).decode("utf-8-sig"))))
    assert rows == [["姓名"], ["'" + text, "1"]]
    assert not any(field.startswith(FORMULA_START) for row in rows for field in row)


def test_every_spreadsheet_is_written_through_app_exports():
    """Now and later: a module that writes xlsx or CSV by itself would skip the rule (reading
    uploads, as app/imports/reader.py does, is not writing). A `.save(` counts unless the module
    works on pictures only (Pillow, without openpyxl: app/photos/images.py re-encodes photos)."""
    pattern = re.compile(r"\bWorkbook\(|\bcsv\.(writer|DictWriter)\b|\.save\(|WriteOnlyCell")
    pictures = re.compile(r"^from PIL import", re.M)

    def writes_spreadsheets(text: str) -> bool:
        if pictures.search(text) and "openpyxl" not in text:
            text = text.replace(".save(", "")
        return bool(pattern.search(text))

    offenders = [str(p.relative_to(APP)) for p in APP.rglob("*.py")
                 if p.name != "exports.py" and writes_spreadsheets(p.read_text(encoding="utf-8"))]
    assert offenders == []
