"""Certificates (志愿服务证明): the PDF holds the member's verified service; the public code
shows name, period and hours only; staff revoke it and it 404s; who may download."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.audit.models import AuditEntry
from app.certificates.models import Certificate
from app.certificates.services import code_of
from tests.conftest import count
from tests.pdfs import fonts_embedded, pdf_text, read_pdf
from tests.ratings.helpers import YEAR

PERIOD = f"from={YEAR}-01-01&to={YEAR}-12-31"


def download(client, member, period=PERIOD):
    return client.get(f"/members/{member.id}/certificate.pdf?{period}")


def test_the_certificate_holds_the_members_verified_service(rated, api):
    res = download(api(rated.member1), rated.member1)
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    reader = read_pdf(res.data)
    text = pdf_text(reader)
    assert "志愿服务证明" in text and rated.member1.name in text
    assert "12.5" in text and "关爱老人" in text and "130" in text and rated.comm1.name in text
    assert "5/5" in text  # 五个一
    assert any("CJK" in name for name in fonts_embedded(reader))
    cert = Certificate.query.one()
    assert (cert.hours, cert.points, cert.period_from) == (12.5, 130, date(YEAR, 1, 1))
    assert cert.serial in text
    assert count(AuditEntry, AuditEntry.action == "certificate.issue") == 1
    assert download(api(rated.member1), rated.member1).status_code == 200  # the same figures: no new one
    assert count(Certificate) == 1


def test_the_public_code_shows_name_period_and_hours_only(rated, api, client):
    download(api(rated.staff1), rated.member1)
    code = code_of(Certificate.query.one())
    res = api().get(f"/certificates/{code}")
    assert res.status_code == 200
    assert res.json == {"name": rated.member1.name, "hours": 12.5,
                        "period": {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}}
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert rated.member1.name in page and "12.5" in page
    for private in (rated.comm1.name, rated.unit1.name, "130", rated.member1.username):
        assert private not in page.split("<main", 1)[1], private
    tampered = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    assert api().get(f"/certificates/{tampered}").status_code == 404
    assert client.get("/certificates/not-a-code").status_code == 404


def test_staff_revoke_and_the_code_404s(rated, api, client):
    download(api(rated.member1), rated.member1)
    cert = Certificate.query.one()
    code = code_of(cert)
    assert api(rated.staff3).post(f"/certificates/{cert.id}/revoke", {"reason": "有误"}).status_code == 404
    assert api(rated.member1).post(f"/certificates/{cert.id}/revoke", {"reason": "有误"}).status_code == 403
    missing = api(rated.staff1).post(f"/certificates/{cert.id}/revoke", {})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    assert api().get(f"/certificates/{code}").status_code == 200
    res = api(rated.staff1).post(f"/certificates/{cert.id}/revoke", {"reason": "服务时长登记有误"})
    assert res.status_code == 200 and res.json["revoked_at"]
    assert api().get(f"/certificates/{code}").status_code == 404
    assert client.get(f"/certificates/{code}").status_code == 404
    assert api(rated.staff1).post(f"/certificates/{cert.id}/revoke", {"reason": "再次"}).status_code == 409
    assert count(AuditEntry, AuditEntry.action == "certificate.revoke") == 1
    download(api(rated.member1), rated.member1)  # a new one is issued after a revocation
    assert count(Certificate) == 2


@pytest.mark.parametrize("who,status", [("member1", 200), ("staff1", 200), ("street_admin", 200),
                                        ("admin", 200), ("member2", 404), ("staff3", 404),
                                        ("unit_admin1", 403), ("resident1", 403)])
def test_only_the_member_and_his_staff_download(rated, api, who, status):
    assert download(api(getattr(rated, who)), rated.member1).status_code == status
    assert count(Certificate) == (1 if status == 200 else 0)


@pytest.mark.parametrize("period,field", [
    (f"from={YEAR}-01-01&to=2099-01-01", "to"), (f"from={YEAR}-12-31&to={YEAR}-01-01", "from"),
    ("from=2001-01-01&to=2020-01-01", "from"), ("from=yesterday", "from")])
def test_bad_periods_are_refused(rated, api, period, field):
    res = download(api(rated.member1), rated.member1, period)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(Certificate) == 0


def test_the_default_period_is_this_year(rated, api):
    assert api(rated.member1).get(f"/members/{rated.member1.id}/certificate.pdf").status_code == 200
    cert = Certificate.query.one()
    assert cert.period_to == date.today() or cert.period_to == date.today() + timedelta(days=1) \
        or cert.period_to == date.today() - timedelta(days=1)
    assert cert.period_from == cert.period_to.replace(month=1, day=1) and cert.hours == 0
