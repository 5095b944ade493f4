"""The ratings pages: unit view, member rating and override form, letters, staff community page,
双公示 page, thresholds, statistics; roles, bad input and constant queries."""
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.audit.models import AuditEntry
from app.extensions import db
from app.ratings import publicity, services
from app.ratings.models import Rating, RatingPublicity, RatingRevision, RatingThreshold
from tests import factories as f
from tests.conftest import count
from tests.ratings.helpers import YEAR, count_queries, grow


def html(res) -> str:
    return res.get_data(as_text=True)


def test_unit_admin_lands_on_his_units_ratings(rated, page):
    client = page(rated.unit_admin1)
    res = client.get("/")
    assert res.status_code == 302 and res.headers["Location"].endswith("/unit/ratings")
    body = html(client.get(f"/unit/ratings?year={YEAR}"))
    assert rated.unit1.name in body and rated.member1.name in body and rated.member3.name in body
    assert f'data-testid="row-{rated.member2.id}"' not in body  # another unit's member
    assert rated.member1.phone not in body and rated.member1.phone[:3] + "****" in body
    assert 'data-testid="total">3<' in body and "优秀" in body and "未报到" in body
    # the community filter offers the communities of the unit's members only
    assert f'<option value="{rated.comm1.id}"' in body and f'<option value="{rated.comm3.id}"' in body
    assert f'<option value="{rated.comm2.id}"' not in body


@pytest.mark.parametrize("who,status", [("unit_admin1", 403), ("member1", 403), ("staff1", 403),
                                        ("street_admin", 403), ("admin", 200), ("unit_admin2", 200)])
def test_unit_page_scope(rated, page, who, status):
    assert page(getattr(rated, who)).get(f"/units/{rated.unit2.id}/ratings").status_code == status


def test_unit_page_filters_sort_and_paging(rated, page, monkeypatch):
    from app.ratings import views

    client = page(rated.unit_admin1)
    body = html(client.get(f"/unit/ratings?year={YEAR}&level=unqualified"))
    assert f'data-testid="row-{rated.member3.id}"' in body
    assert f'data-testid="row-{rated.member1.id}"' not in body
    body = html(client.get(f"/unit/ratings?year={YEAR}&community_id={rated.comm3.id}"))
    assert 'data-testid="total">1<' in body
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    body = html(client.get(f"/unit/ratings?year={YEAR}&sort=-points"))
    assert f'data-testid="row-{rated.member1.id}"' in body and "下一页" in body and "1 / 3" in body
    body = html(client.get(f"/unit/ratings?year={YEAR}&sort=-points&page=2"))
    assert f'data-testid="row-{rated.member3.id}"' in body
    # nonsense choices are ignored; a malformed number is a 400 naming it (app/params.py)
    assert client.get("/unit/ratings?level=x&sort=drop").status_code == 200
    for query, name in (("year=abc", "year"), ("page=-1", "page")):
        res = client.get(f"/unit/ratings?{query}")
        assert res.status_code == 400 and name in res.get_data(as_text=True)


def test_unit_page_export_opens(rated, page):
    res = page(rated.unit_admin1).get(f"/units/{rated.unit1.id}/ratings.xlsx?year={YEAR}&level=excellent")
    assert res.status_code == 200
    rows = list(load_workbook(BytesIO(res.data)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[2][:2] == (1, rated.member1.id) and rows[2][5] == "优秀"
    assert page(rated.unit_admin2).get(f"/units/{rated.unit1.id}/ratings.xlsx").status_code == 403
    exports = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "rating.export")).all()
    assert [(e.actor_id, e.target_id) for e in exports] == [(rated.unit_admin1.id, rated.unit1.id)]


def test_member_sees_his_rating_page(rated, page):
    client = page(rated.member1)
    body = html(client.get(f"/me/rating?year={YEAR}"))
    assert "优秀" in body and "130" in body and "12.5" in body and "保存评议" not in body
    assert client.get(f"/members/{rated.member2.id}/rating").status_code == 404
    res = client.post(f"/members/{rated.member1.id}/rating?year={YEAR}",
                      data={"level": "excellent", "comment": "我很好"})
    assert res.status_code == 302 and count(Rating) == 0  # refused (403 turns into a flash)


def test_staff_rates_on_the_page(rated, page):
    client = page(rated.staff1)
    audits = count(AuditEntry)
    path = f"/members/{rated.member2.id}/rating?year={YEAR}"
    assert "保存评议" in html(client.get(path))
    res = client.post(path, data={"level": "good", "comment": ""})
    assert res.status_code == 422 and "请填写评语" in html(res)
    assert count(Rating) == 0 and count(AuditEntry) == audits
    res = client.post(path, data={"level": "good", "comment": "主动帮扶困难户"})
    assert res.status_code == 302
    body = html(client.get(path))
    assert "良好" in body and "主动帮扶困难户" in body and "调整为" in body
    assert page(rated.staff3).post(path, data={"level": "basic", "comment": "x"}).status_code == 302
    assert services.member_row(rated.member2.id, YEAR).level == "good"  # staff3's attempt changed nothing


def test_staff_publishes_and_switches_publicity_on_the_page(rated, page):
    client = page(rated.staff1)
    body = html(client.get(f"/staff/ratings?year={YEAR}"))
    assert rated.comm1.name in body and rated.member1.name in body and "开启双公示" in body
    res = client.post("/staff/ratings/publish", data={"community_id": rated.comm1.id, "year": YEAR})
    assert res.status_code == 302 and count(Rating, Rating.published_at.is_not(None)) == 2
    client.post("/staff/ratings/publicity", data={"community_id": rated.comm1.id, "is_public": "y"})
    assert publicity.is_public(rated.comm1.id)
    body = html(client.get(f"/staff/ratings?year={YEAR}"))
    assert "已公布" in body and "关闭双公示" in body
    client.post("/staff/ratings/publicity", data={"community_id": rated.comm1.id})
    assert not publicity.is_public(rated.comm1.id)


def test_staff_page_bad_input_and_scope(rated, page):
    client = page(rated.staff3)
    client.post("/staff/ratings/publish", data={"community_id": rated.comm1.id, "year": YEAR})
    client.post("/staff/ratings/publish", data={"community_id": rated.comm3.id, "year": "abc"})
    client.post("/staff/ratings/publicity", data={"community_id": rated.comm1.id, "is_public": "y"})
    assert count(Rating) == 0 and count(RatingPublicity) == 0
    assert client.get(f"/staff/ratings?community_id={rated.comm1.id}").status_code == 403
    assert page(rated.member1).get("/staff/ratings").status_code == 403
    res = page(rated.unit_admin1).post("/staff/ratings/publish", data={"community_id": rated.comm1.id,
                                                                        "year": YEAR})
    assert res.status_code == 302  # 403: a flash message and back
    assert count(Rating) == 0


def test_public_page_only_when_switched_on_and_only_published(rated, page):
    services.publish(rated.staff3, rated.comm3.id, YEAR)
    late = f.member_in(rated.comm3, rated.unit2)  # registered after publication: not shown
    path = f"/communities/{rated.comm3.id}/ratings?year={YEAR}"
    assert page(rated.resident2).get(path).status_code == 404
    publicity.set_publicity(rated.staff3, rated.comm3.id, True)
    body = html(page(rated.resident2).get(path))
    assert body.count('data-testid="public-row"') == 1
    assert rated.member3.name in body and late.name not in body
    assert "不合格" in body and rated.unit1.name in body
    assert page(rated.resident1).get(path).status_code == 404  # another community's resident
    assert page(rated.member1).get(path).status_code == 404


def test_the_people_of_a_community_find_its_public_page_from_their_homes(rated, page):
    link = f'href="/communities/{rated.comm3.id}/ratings"'
    assert link not in html(page(rated.resident2).get("/resident/orders"))  # switched off
    publicity.set_publicity(rated.staff3, rated.comm3.id, True)
    assert link in html(page(rated.resident2).get("/resident/orders"))
    assert link in html(page(rated.member3).get("/me"))
    assert 'data-testid="public-ratings-link"' not in html(page(rated.resident1).get("/resident/orders"))
    assert 'data-testid="public-ratings-link"' not in html(page(rated.member1).get("/me"))


def test_letters_only_after_publication(rated, page):
    client = page(rated.unit_admin1)
    assert client.get(f"/members/{rated.member1.id}/letter?year={YEAR}").status_code == 409
    services.publish(rated.staff1, rated.comm1.id, YEAR)
    services.set_rating(rated.staff1, rated.member1.id, YEAR, comment="服务热情，群众满意")
    body = html(client.get(f"/members/{rated.member1.id}/letter?year={YEAR}"))
    assert "反馈函" in body and rated.member1.name in body and rated.unit1.name in body
    assert "优秀" in body and "服务热情，群众满意" in body and "回执" in body
    assert "@media print" in client.get("/static/site.css").get_data(as_text=True)  # the print view
    other = page(rated.unit_admin2)
    assert other.get(f"/members/{rated.member1.id}/letter?year={YEAR}").status_code == 404
    batch = html(client.get(f"/units/{rated.unit1.id}/letters?year={YEAR}"))
    assert batch.count('class="letter"') == 1  # member3's community has not published
    cover = html(client.get(f"/units/{rated.unit1.id}/cover-letter?year={YEAR}"))
    assert 'data-testid="cover-letter"' in cover and rated.comm1.name in cover and "<b>1</b>" in cover
    assert page(rated.unit_admin2).get(f"/units/{rated.unit1.id}/cover-letter").status_code == 403


def test_thresholds_page(rated, page):
    client = page(rated.street_admin)
    body = html(client.get(f"/admin/rating-thresholds?place_id={rated.street1.id}&year={YEAR}"))
    assert "沿用上级或默认" in body and 'value="120"' in body
    form = {"place_id": rated.street1.id, "year": YEAR}
    for level, pts in (("excellent", 100), ("good", 60), ("qualified", 30), ("basic", 5)):
        form.update({f"{level}-min_points": pts, f"{level}-min_checklist_percent": 20})
    bad = dict(form, **{"excellent-min_points": 1})
    res = client.post("/admin/rating-thresholds", data=bad)
    assert res.status_code == 422 and count(RatingThreshold) == 0
    res = client.post("/admin/rating-thresholds", data=dict(form, **{"good-min_checklist_percent": "abc"}))
    assert res.status_code == 422 and count(RatingThreshold) == 0
    res = client.post("/admin/rating-thresholds", data=form)
    assert res.status_code == 302 and count(RatingThreshold) == 4
    saved = html(client.get(f"/admin/rating-thresholds?place_id={rated.street1.id}&year={YEAR}"))
    assert "本级已设置" in saved
    assert page(rated.staff1).get("/admin/rating-thresholds").status_code == 403
    other = client.post("/admin/rating-thresholds", data=dict(form, place_id=rated.street2.id))
    assert other.status_code == 403 and count(RatingThreshold) == 4


def test_thresholds_page_sets_the_unit_cutoffs(rated, page):
    client = page(rated.street_admin)
    url = f"/admin/rating-thresholds?place_id={rated.street1.id}&year={YEAR}"
    body = html(client.get(url))
    assert "单位综合得分不低于" in body and 'name="excellent-min_unit_score"' in body
    assert 'name="basic-min_unit_score" step="0.1" type="number" value="50.0"' in body
    form = {"place_id": rated.street1.id, "year": YEAR}
    for level, pts, score in (("excellent", 100, 85), ("good", 60, 75), ("qualified", 30, 60),
                              ("basic", 5, 45)):
        form.update({f"{level}-min_points": pts, f"{level}-min_checklist_percent": 20,
                     f"{level}-min_unit_score": score})
    res = client.post("/admin/rating-thresholds", data=dict(form, **{"good-min_unit_score": "120"}))
    body = html(res)
    assert res.status_code == 422 and count(RatingThreshold) == 0
    assert 'data-testid="error-good-min_unit_score"' in body and 'value="120"' in body
    res = client.post("/admin/rating-thresholds", data=dict(form, **{"good-min_unit_score": "90"}))
    assert res.status_code == 422 and count(RatingThreshold) == 0  # 良好 above 优秀
    assert client.post("/admin/rating-thresholds", data=form).status_code == 302
    scores = db.session.scalars(sa.select(RatingThreshold.min_unit_score).order_by(
        RatingThreshold.min_unit_score.desc())).all()
    assert scores == [85, 75, 60, 45]
    assert 'name="good-min_unit_score" step="0.1" type="number" value="75.0"' in html(client.get(url))


def test_statistics_page_draws_svg_charts_without_scripts(rated, page):
    body = html(page(rated.street_admin).get(f"/stats?year={YEAR}"))
    # The charts need no script: the page's only one is the site's static file (CSP script-src 'self').
    assert body.count("<script") == 1 and '<script src="/static/site.js" defer></script>' in body
    assert body.count("<svg") >= 4 and "http://" not in body.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert 'data-testid="registered">2<' in body and 'data-testid="median">5.0<' in body
    assert f'data-testid="child-{rated.comm1.id}"' in body
    community = html(page(rated.staff1).get(f"/stats?year={YEAR}"))
    assert "<svg" in community and 'data-testid="satisfaction">4.50<' in community
    assert page(rated.staff1).get(f"/stats?place_id={rated.comm3.id}").status_code == 403
    assert page(rated.unit_admin1).get("/stats").status_code == 403
    # An order's status in the same words as on the dispatch board.
    assert "待派单" in body and "已办结" in body and "已点单" not in body and "已驳回" not in body


def test_chart_labels_are_escaped():
    from app.ratings.charts import bar_chart

    svg = str(bar_chart("<b>", [("<script>alert(1)</script>", [3])]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


@pytest.mark.parametrize("who,path", [
    ("unit_admin1", "/unit/ratings?year={year}"), ("unit_admin1", "/unit/ratings?year={year}&sort=-level"),
    ("staff1", "/staff/ratings?year={year}"), ("street_admin", "/stats?year={year}"),
    ("resident1", "/communities/{comm}/ratings?year={year}"),
    ("unit_admin1", "/units/{unit}/letters?year={year}"),
])
def test_list_pages_keep_a_constant_number_of_queries(rated, page, who, path):
    services.publish(rated.staff1, rated.comm1.id, YEAR)
    publicity.set_publicity(rated.staff1, rated.comm1.id, True)
    client = page(getattr(rated, who))
    path = path.format(year=YEAR, comm=rated.comm1.id, unit=rated.unit1.id)
    grow(rated, 2)
    services.publish(rated.staff1, rated.comm1.id, YEAR)
    small = count_queries(client, path)
    grow(rated, 12)
    services.publish(rated.staff1, rated.comm1.id, YEAR)
    assert count_queries(client, path) == small


def test_revision_history_on_the_member_page(rated, page):
    services.publish(rated.staff1, rated.comm1.id, YEAR)
    client = page(rated.staff1)
    client.post(f"/members/{rated.member2.id}/rating?year={YEAR}",
                data={"level": "basic", "comment": "参与少"})
    assert count(RatingRevision) == 1
    body = html(page(rated.unit_admin2).get(f"/members/{rated.member2.id}/rating?year={YEAR}"))
    assert 'data-testid="revision"' in body and "合格" in body and "基本合格" in body
