"""The certificate as a PDF: the page template printed by app/pdf.py, with a QR code of the
public verification page."""
from __future__ import annotations

from datetime import date

from flask import render_template, url_for

from app.activities.qr import qr_svg
from app.auth.models import User
from app.certificates import services
from app.pdf import render_pdf


def certificate_pdf(viewer: User, member_id: int, start: date | None, end: date | None) -> tuple[bytes, str]:
    """(the PDF, its file name) of the member's certificate for [start, end]."""
    content = services.issue(viewer, member_id, start, end)
    url = url_for("certificates.verify_page", code=content.code, _external=True)
    html = render_template("certificates/certificate_pdf.html", c=content, qr=qr_svg(url), url=url)
    cert = content.certificate
    return render_pdf(html), f"志愿服务证明-{cert.name}-{cert.period_from}-{cert.period_to}.pdf"
