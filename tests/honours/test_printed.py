"""A granted honour is printed on the member's certificate and on his unit's letter for that
year (the letters read every member's honours in one query)."""
from datetime import timedelta

from app.clock import utcnow
from app.extensions import db
from app.honours import services as honours
from app.ratings import services as ratings
from tests.pdfs import pdf_text, read_pdf
from tests.ratings.conftest import rated  # noqa: F401
from tests.ratings.helpers import YEAR


def _granted(w, kind="service_star"):
    then = utcnow() - timedelta(days=10)
    honour = honours.nominate(w.staff1, kind=kind, member_id=w.member1.id, reasons="服务时长居首", year=YEAR,
                              now=then)
    honours.decide(w.street_admin, honour.id, "approve", now=then)
    honours.decide(w.street_admin, honour.id, "grant", now=utcnow())
    return honour


def test_the_honour_is_on_the_letter_and_the_certificate(rated, page):  # noqa: F811
    w = rated
    ratings.publish(w.staff1, w.comm1.id, YEAR)
    db.session.commit()
    unit = page(w.unit_admin1)
    letter = unit.get(f"/members/{w.member1.id}/letter?year={YEAR}").get_data(as_text=True)
    assert 'data-testid="letter-honours"' not in letter
    _granted(w)
    db.session.commit()
    letter = unit.get(f"/members/{w.member1.id}/letter?year={YEAR}").get_data(as_text=True)
    assert 'data-testid="letter-honours"' in letter and "服务标兵" in letter
    letters = unit.get(f"/units/{w.unit1.id}/letters?year={YEAR}").get_data(as_text=True)
    assert letters.count('data-testid="letter-honours"') == 1
    pdf = unit.get(f"/units/{w.unit1.id}/letters.pdf?year={YEAR}")
    assert pdf.status_code == 200 and "服务标兵" in "".join(pdf_text(read_pdf(pdf.data)).split())
    cert = page(w.member1).get(f"/members/{w.member1.id}/certificate.pdf?from={YEAR}-01-01&to={YEAR}-12-31")
    assert cert.status_code == 200 and "服务标兵" in "".join(pdf_text(read_pdf(cert.data)).split())
