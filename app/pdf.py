"""HTML to PDF on the server (WeasyPrint, Pango): the pages' own templates, printed with
app/static/pdf.css (A4, the Noto CJK fonts of Debian's fonts-noto-cjk, which WeasyPrint embeds
as subsets, so a PDF shows its Chinese on any reader). No browser per request."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app
from pypdf import PdfWriter
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

PDF_CSS = Path(__file__).resolve().parent / "static" / "pdf.css"
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per step otherwise
_STYLE: list = []  # the parsed stylesheet and its fonts, once per process


def _stylesheet() -> tuple[CSS, FontConfiguration]:
    if not _STYLE:
        fonts = FontConfiguration()
        _STYLE.append((CSS(filename=str(PDF_CSS), font_config=fonts), fonts))
    return _STYLE[0]


def render_pdf(html: str) -> bytes:
    """The PDF of one HTML document (its pages break where the CSS says)."""
    css, fonts = _stylesheet()
    # Nothing is fetched (no file:, no http:): the templates are self-contained (the QR code is
    # inline SVG), so no text that reaches a template could make the server read a file or a URL.
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, base_url=current_app.root_path, url_fetcher=fetcher).write_pdf(
        stylesheets=[css], font_config=fonts)


def render_pdf_parts(parts: Iterable[str]) -> bytes:
    """One PDF of several HTML documents rendered one after the other (pypdf joins them): a
    worker holds the layout of one part at a time, not of the whole batch (a unit's 500
    letters: PDF_PART_PAGES letters a part)."""
    writer = PdfWriter()
    for html in parts:
        writer.append(BytesIO(render_pdf(html)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_response(data: bytes, filename: str) -> Response:
    """The PDF as a download named `filename` (UTF-8 names are allowed: RFC 5987)."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response
