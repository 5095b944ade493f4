"""Building workbooks and CSV files in memory, and uploading them."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from app.imports.kinds import KINDS


def xlsx(rows: list[list], header: list[str] | None = None, kind: str = "members", setup=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else list(KINDS[kind].headers))
    for row in rows:
        sheet.append(row)
    if setup is not None:
        setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], header: list[str] | None = None, kind: str = "members",
              encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header if header is not None else list(KINDS[kind].headers))
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, kind: str, data: bytes, name: str = "file.xlsx", dry_run: bool = True, **extra):
    """POST /api/v1/imports as the ApiClient's user."""
    form = {"kind": kind, "dry_run": "true" if dry_run else "false",
            "file": (io.BytesIO(data), name)}
    form.update({k: str(v).lower() for k, v in extra.items()})
    return client.open("POST", "/api/v1/imports", data=form, content_type="multipart/form-data")


def member_row(name="张伟", phone="13800138000", unit="区税务局", street="北京街道", community="仓边社区",
               grid="第一网格", address="仓边路1号", skills="理发、法律咨询", availability="周末"):
    return [name, phone, unit, street, community, grid, address, skills, availability]
