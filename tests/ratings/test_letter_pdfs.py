"""一信一函 as server-side PDF: one letter a page after the cover letter, the member's name and
hours in Chinese with the fonts embedded, the same permissions as the HTML letters."""
from __future__ import annotations

from app.extensions import db
from app.ratings import services
from tests.pdfs import fonts_embedded, pdf_text, read_pdf
from tests.ratings.helpers import YEAR


def publish(rated):
    services.publish(rated.staff1, rated.comm1.id, YEAR)
    services.publish(rated.staff3, rated.comm3.id, YEAR)
    db.session.commit()


def test_unit_letters_pdf_has_the_cover_and_one_letter_a_page(rated, page, api):
    publish(rated)
    res = page(rated.unit_admin1).get(f"/units/{rated.unit1.id}/letters.pdf?year={YEAR}")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    reader = read_pdf(res.data)
    assert len(reader.pages) == 3  # the cover letter, member1's and member3's letters
    pages = ["".join(p.extract_text().split()) for p in reader.pages]
    assert "函" in pages[0] and rated.unit1.name in pages[0]
    assert rated.member1.name in pages[1] and "参加志愿服务12.5小时" in pages[1]
    assert rated.member3.name in pages[2] and rated.member1.name not in pages[2]
    assert any("CJK" in name for name in fonts_embedded(reader))
    assert api(rated.unit_admin1).get(f"/units/{rated.unit1.id}/letters.pdf?year={YEAR}").status_code == 200


def test_member_letter_pdf_follows_the_html_letters_rules(rated, page, api):
    path = f"/members/{rated.member1.id}/letter.pdf?year={YEAR}"
    assert page(rated.unit_admin1).get(path).status_code == 409  # not published yet
    publish(rated)
    res = page(rated.unit_admin1).get(path)
    text = pdf_text(read_pdf(res.data))
    assert res.status_code == 200 and rated.member1.name in text and "12.5小时" in text
    assert page(rated.member1).get(path).status_code == 200
    assert page(rated.unit_admin2).get(path).status_code == 404
    assert page(rated.unit_admin2).get(f"/units/{rated.unit1.id}/letters.pdf?year={YEAR}").status_code == 403
    assert api(rated.member2).get(path).status_code == 404
    assert api().get(path).status_code == 401


def test_the_letter_pages_link_their_pdfs(rated, page):
    publish(rated)
    client = page(rated.unit_admin1)
    for path in (f"/units/{rated.unit1.id}/letters?year={YEAR}",
                 f"/units/{rated.unit1.id}/cover-letter?year={YEAR}",
                 f"/members/{rated.member1.id}/letter?year={YEAR}"):
        body = client.get(path).get_data(as_text=True)
        assert ".pdf?year=" in body, path


def test_letters_rendered_in_parts_keep_their_order(rated, page, settings):
    publish(rated)
    settings(PDF_PART_PAGES=1)  # the cover with member1's letter, then member3's
    res = page(rated.unit_admin1).get(f"/units/{rated.unit1.id}/letters.pdf?year={YEAR}")
    reader = read_pdf(res.data)
    pages = ["".join(p.extract_text().split()) for p in reader.pages]
    assert len(pages) == 3 and rated.member1.name in pages[1] and rated.member3.name in pages[2]
