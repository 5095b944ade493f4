"""Reading the PDFs the app writes (pypdf): their text and whether their fonts are embedded."""
from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader


def read_pdf(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:40]
    return PdfReader(BytesIO(data))


def pdf_text(reader: PdfReader) -> str:
    """Every page's text without whitespace (headings are letter-spaced, lines wrap anywhere)."""
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def fonts_embedded(reader: PdfReader) -> list[str]:
    """The base names of the fonts of every page; fails if one is not embedded."""
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            names.append(str(font["/BaseFont"]))
    return names
