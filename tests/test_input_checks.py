"""Text the databases cannot store (NUL, lone surrogates) is a 422 naming the field, on every
backend, before any view runs."""
import pytest

from app.auth.models import User
from app.input_checks import storable
from tests.conftest import count


@pytest.mark.parametrize("text,ok", [("张伟", True), ("a\x00b", False), ("\ud800", False),
                                     ("😀", True), ("", True)])
def test_storable(text, ok):
    assert storable(text) is ok


@pytest.mark.parametrize("body,field", [
    ({"username": "ab\x00c", "password": "x"}, "username"),
    ({"username": "abc", "password": "\ud83d"}, "password"),
    ({"username": "abc", "password": "x", "nested": {"deep": ["ok", "bad\x00"]}}, "nested"),
])
def test_api_json_with_unstorable_text_is_422(world, api, body, field):
    res = api().post("/auth/token", body)
    assert res.status_code == 422 and field in res.json["errors"]


def test_query_and_form_with_a_nul_are_422(world, api, page):
    res = api(world.staff1).get("/registrations?status=pend%00ing")
    assert res.status_code == 422 and "status" in res.json["errors"]
    before = count(User)
    res = page().post("/signup", data={"username": "nul\x00user", "password": "long-enough", "name": "x",
                                       "phone": "13900000000", "unit_id": world.unit1.id})
    assert res.status_code in (302, 422) and count(User) == before
