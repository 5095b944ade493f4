"""The certificate pages: the member's page and download, the staff's revoke button, bad
dates in the query string."""
from __future__ import annotations

from app.certificates.models import Certificate
from tests.conftest import count
from tests.pdfs import pdf_text, read_pdf
from tests.ratings.helpers import YEAR


def test_member_downloads_from_his_page(rated, page):
    client = page(rated.member1)
    res = client.get("/me/certificates")
    assert res.status_code == 302
    body = client.get(res.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="download-certificate"' in body and "作废" not in body.split("<main", 1)[1]
    pdf = client.get(f"/members/{rated.member1.id}/certificate.pdf?from={YEAR}-01-01&to={YEAR}-12-31")
    assert pdf.status_code == 200 and rated.member1.name in pdf_text(read_pdf(pdf.data))
    assert Certificate.query.one().serial in client.get(res.headers["Location"]).get_data(as_text=True)


def test_staff_revoke_on_the_page(rated, page):
    staff = page(rated.staff1)
    staff.get(f"/members/{rated.member1.id}/certificate.pdf?from={YEAR}-01-01&to={YEAR}-12-31")
    cert = Certificate.query.one()
    assert 'name="reason"' in staff.get(f"/members/{rated.member1.id}/certificates").get_data(as_text=True)
    res = staff.post(f"/certificates/{cert.id}/revoke", data={"reason": "重复出具"})
    assert res.status_code == 302
    assert Certificate.query.one().revoked_at is not None


def test_bad_dates_are_400(rated, page):
    res = page(rated.member1).get(f"/members/{rated.member1.id}/certificate.pdf?from=2026-13-01")
    assert res.status_code == 400 and count(Certificate) == 0
