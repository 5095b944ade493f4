"""QR images rendered on the server (no CDN, no JavaScript)."""
from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(text: str) -> Markup:
    """An inline <svg> QR code of `text`."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    svg = image.to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    # Scale to the container (phones and projector screens alike); the viewBox keeps it square.
    svg = re.sub(r'width="[^"]*" height="[^"]*"', 'width="100%" role="img" aria-label="QR"', svg, count=1)
    return Markup(svg)
