"""Integer, id, page and year parameters of pages (app/params.py), on SQLite and PostgreSQL:
out of range or malformed is a 400 naming the parameter or a 404 for an id beyond the 32-bit
bound, never a 500 (PostgreSQL cannot hold such numbers in an integer column)."""
import pytest

from app.errors import BadParameter, NotFound
from app.params import ID_MAX, PAGE_MAX, YEAR_MAX, YEAR_MIN, query_int, require_id, valid_id

# (who, path, the integer parameters the page reads); {member1} etc. are filled from the world.
PAGES = [
    ("staff1", "/staff/orders", ["community_id", "grid_id", "unit_id", "page"]),
    ("staff1", "/staff/registrations", ["community_id", "page"]),
    ("staff1", "/staff/idle-members", ["community_id", "page"]),
    ("staff1", "/leaderboard", ["scope_id", "page", "year"]),
    ("staff1", "/exemplars", ["year"]),
    ("staff1", "/staff/points/adjust", ["member_id"]),
    ("staff1", "/staff/ratings", ["community_id", "year", "page"]),
    ("staff1", "/stats", ["place_id", "year"]),
    ("staff1", "/staff/verify", ["page", "spage"]),
    ("staff1", "/staff/households", ["page"]),
    ("staff1", "/staff/unit-registrations", ["page"]),
    ("staff1", "/notifications", ["page"]),
    ("staff1", "/activities", ["page"]),
    ("staff1", "/members/{member1}/points", ["year", "page"]),
    ("member1", "/me/points", ["year", "page"]),
    ("member1", "/orders/open", ["page"]),
    ("member1", "/me/service", ["page", "spage"]),
    ("member1", "/me/rating", ["year"]),
    ("resident1", "/resident/orders", ["page"]),
    ("unit_admin1", "/unit/ratings", ["community_id", "year", "page"]),
    ("unit_admin1", "/units/{unit1}/letters", ["community_id", "year", "page"]),
    ("unit_admin1", "/units/{unit1}/cover-letter", ["year"]),
    ("unit_admin1", "/unit/orders", ["page"]),
    ("unit_admin1", "/unit", ["page"]),
    ("admin", "/admin", ["page"]),
    ("admin", "/admin/units", ["page"]),
    ("admin", "/admin/accounts", ["page"]),
    ("admin", "/admin/audit", ["page"]),
    ("admin", "/admin/checklist", ["place_id", "year"]),
    ("admin", "/admin/rating-thresholds", ["place_id", "year"]),
]
ID_PARAMS = {"community_id", "scope_id", "member_id", "place_id", "grid_id", "unit_id"}
BAD = {  # value -> the answer, by kind of parameter
    "id": [(str(2**31), 404), ("99999999999999999999", 404), ("-5", 404), ("abc", 400), ("1.5", 400)],
    "page": [(str(PAGE_MAX + 1), 400), ("99999999999999999999", 400), ("0", 400), ("-3", 400),
             ("abc", 400)],
    "year": [("9999", 400), ("1", 400), (str(2**31), 400), ("abc", 400)],
}
CASES = [(who, path, name, value, status)
         for who, path, names in PAGES for name in names
         for value, status in BAD["id" if name in ID_PARAMS else "page" if "page" in name else name]]


def _path(world, path: str) -> str:
    return path.format(member1=world.member1.id, unit1=world.unit1.id)


@pytest.mark.parametrize("who,path,names", PAGES, ids=[f"{w}:{p}" for w, p, _ in PAGES])
def test_every_page_answers_without_parameters(world, page, who, path, names):
    assert page(getattr(world, who)).get(_path(world, path)).status_code == 200


@pytest.mark.parametrize("who,path,name,value,status", CASES,
                         ids=[f"{p}?{n}={v}" for _, p, n, v, _ in CASES])
def test_a_bad_number_is_a_4xx_naming_it(world, page, who, path, name, value, status):
    res = page(getattr(world, who)).get(f"{_path(world, path)}?{name}={value}")
    assert res.status_code == status
    if status == 400:
        assert name in res.get_data(as_text=True)


def test_empty_parameters_mean_absent(world, page):
    client = page(world.staff1)
    assert client.get("/staff/orders?community_id=&page=").status_code == 200
    assert client.get("/leaderboard?scope_id=&year=&page=").status_code == 200


@pytest.mark.parametrize("value,ok", [(1, True), (ID_MAX, True), (ID_MAX + 1, False), (0, False),
                                      (-1, False), (None, False), ("7", False)])
def test_the_id_bound(value, ok):
    assert (valid_id(value) is not None) is ok
    if ok:
        assert require_id(value, "x") == value
    else:
        with pytest.raises(NotFound):
            require_id(value, "x")


def test_the_api_uses_the_same_bounds(app):
    from app.api_base import Id, IdConverter, PageArgs, Year

    assert Id().validators[0].max == ID_MAX and IdConverter(app.url_map).max == ID_MAX
    assert PageArgs().fields["page"].validate.max == PAGE_MAX
    assert (Year().validators[0].min, Year().validators[0].max) == (YEAR_MIN, YEAR_MAX)


def test_query_int_names_the_parameter(app):
    with app.test_request_context("/?n=12&m=x"):
        assert query_int("n", min=1, max=20) == 12 and query_int("absent", 3, min=1, max=5) == 3
        for name in ("m",):
            with pytest.raises(BadParameter) as err:
                query_int(name, min=1, max=5)
            assert err.value.status_code == 400 and name in err.value.errors
