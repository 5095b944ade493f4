"""Formula injection in ratings.xlsx (issue 11): what members and staff typed stays text."""
from io import BytesIO

from openpyxl import load_workbook

from app.exports import FORMULA_START
from app.extensions import db
from tests import factories as f
from tests.ratings.helpers import YEAR


def test_the_ratings_export_has_no_formula_cell(rated, api):
    """A member named like a formula and staff comments starting with +, -, @ come out as the
    text that was typed, never as formulas."""
    w = rated
    w.member1.name = '=HYPERLINK("http://x","y")'
    extra = f.member_in(w.comm1, w.unit1)
    db.session.commit()
    staff = api(w.staff1)
    comments = {w.member1.id: "+10 分，表现突出", extra.id: "@全体 请注意", w.member3.id: "-5 缺席活动"}
    for member_id, comment in comments.items():
        client = api(w.staff3) if member_id == w.member3.id else staff
        res = client.put(f"/members/{member_id}/rating?year={YEAR}", {"comment": comment})
        assert res.status_code == 200, res.json
    res = api(w.unit_admin1).get(f"/units/{w.unit1.id}/ratings.xlsx?year={YEAR}")
    assert res.status_code == 200
    cells = [c for row in load_workbook(BytesIO(res.data)).active.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells}
    assert '=HYPERLINK("http://x","y")' in values and set(comments.values()) <= values
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            assert cell.data_type == "s" and cell.quotePrefix is True, cell.coordinate
