"""Input the databases would take but people cannot see or did not mean: required text that is
only invisible characters (zero-width, bidi controls), text longer than its column, dates far
outside any real one, and points that are not whole numbers. The API and the pages refuse
them the same way (a 422 naming the field / an error under the field) and write nothing."""
import importlib
import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path

import marshmallow as ma
import pytest
from wtforms import StringField, TextAreaField

from app.activities.models import Activity
from app.api_base import Integer, Text
from app.auth.models import User
from app.forms import Form
from app.input_checks import clean_text
from app.orders.models import Order
from app.points.models import ChecklistItem, LedgerEntry
from app.service.models import ServiceRecord, Suggestion
from tests.conftest import count

INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\u202e", "\u2066\u2069", "\ufeff", "\u00ad",
             " \u3000\u200f ", "\u3164", "\u200e\u200f\u202a\u202c"]
# Every domain with API schemas, found on disk so a new or moved domain is covered too.
DOMAINS = tuple(sorted(p.parent.name for p in (Path(__file__).parents[1] / "app").glob("*/schemas.py")))


@pytest.mark.parametrize("raw,clean", [
    ("张伟", "张伟"), ("  张\u200b伟 ", "张伟"), ("\u202e伟张", "伟张"), ("a\u2066b\u2069", "ab"),
    ("\ufeff标题", "标题"), ("😀", "😀"), ("", ""), (None, None), *[(s, "") for s in INVISIBLE]])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


# ---- the API ----------------------------------------------------------------------------------

@pytest.mark.parametrize("title", INVISIBLE)
def test_api_refuses_invisible_required_text(world, api, title):
    before = count(Order)
    res = api(world.resident1).post("/orders", {"title": title, "category": "维修服务"})
    assert res.status_code == 422 and "title" in res.json["errors"]
    res = api(world.member1).post("/suggestions", {"title": "加装扶手", "body": title})
    assert res.status_code == 422 and "body" in res.json["errors"]
    assert count(Order) == before and count(Suggestion) == 0


def test_api_stores_text_without_its_invisible_characters(world, api):
    res = api(world.member1).post("/suggestions", {"title": " \u202e加装\u200b扶手 ", "body": "楼道",
                                                     "community_id": world.comm1.id})
    assert res.status_code == 201, res.json
    assert Suggestion.query.one().title == "加装扶手"


@pytest.mark.parametrize("points", [1.5, -0.5, "1.5", True, "abc"])
def test_api_points_are_whole_numbers(world, api, points):
    res = api(world.staff1).post("/points/adjustments", {"member_id": world.member1.id, "points": points,
                                                         "reason": "补录"})
    assert res.status_code == 422 and "points" in res.json["errors"], res.json
    assert count(LedgerEntry) == 0


def test_api_a_whole_number_is_still_accepted(world, api):
    res = api(world.staff1).post("/points/adjustments", {"member_id": world.member1.id, "points": 2.0,
                                                         "reason": "补录"})
    assert res.status_code == 201, res.json
    assert count(LedgerEntry, LedgerEntry.points == 2) == 1


def _input_schemas():
    for domain in DOMAINS:
        module = importlib.import_module(f"app.{domain}.schemas")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ma.Schema) and cls.__module__ == module.__name__ and \
                    not name.endswith(("Out", "List", "Figures")):
                yield name, cls


FREE_STRINGS = {"username", "password", "current_password", "new_password", "phone", "q", "request_key",
                "code"}  # checked otherwise


def test_every_input_schema_uses_the_shared_fields():
    """Integers refuse 1.5 (api_base.Integer); free text loses invisible characters (Text)."""
    wrong = []
    for name, cls in _input_schemas():
        for field_name, field in cls().load_fields.items():
            if isinstance(field, ma.fields.List):
                field = field.inner
            if isinstance(field, ma.fields.Integer) and not isinstance(field, Integer):
                wrong.append(f"{name}.{field_name}")
            if type(field) is ma.fields.String and field_name not in FREE_STRINGS and not any(
                    isinstance(v, (ma.validate.OneOf, ma.validate.Regexp)) for v in field.validators):
                wrong.append(f"{name}.{field_name}")
    assert wrong == []
    assert issubclass(Text, ma.fields.String)


# ---- the pages --------------------------------------------------------------------------------

def _form_modules():
    for domain in DOMAINS:
        try:
            yield importlib.import_module(f"app.{domain}.forms")
        except ModuleNotFoundError:
            continue


def test_every_page_form_is_the_shared_form():
    wrong = []
    for module in _form_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and hasattr(cls, "validate_on_submit") \
                    and not issubclass(cls, Form):
                wrong.append(name)
    assert wrong == []


def test_page_text_fields_have_a_length_limit(app):
    from wtforms.validators import Length, Regexp

    with app.test_request_context():
        for module in _form_modules():
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__ or not issubclass(cls, Form):
                    continue
                for field in cls(meta={"csrf": False}):
                    if type(field) in (StringField, TextAreaField):
                        assert any(isinstance(v, Length) and v.max > 0 or isinstance(v, Regexp)
                                   for v in field.validators), \
                            f"{cls.__name__}.{field.name}"


@pytest.mark.parametrize("title", INVISIBLE[:4])
def test_page_refuses_invisible_required_text(world, page, title):
    res = page(world.member1).post("/service/suggestions/new", data={"title": title, "body": "楼道"})
    assert res.status_code == 422 and count(Suggestion) == 0
    before = count(User)
    res = page().post("/signup", data={"username": "ghost_user", "password": "long-enough-1",
                                       "name": title, "phone": "13900001111", "unit_id": world.unit1.id})
    assert count(User) == before


@pytest.mark.parametrize("points", ["1.5", "abc", "1e3"])
def test_page_points_are_whole_numbers(world, page, points):
    res = page(world.staff1).post("/staff/points/adjust", data={
        "member_id": world.member1.id, "points": points, "reason": "补录"})
    assert res.status_code == 422 and count(LedgerEntry) == 0


@pytest.mark.parametrize("member_id", [str(2**31), "99999999999999999999", "-1"])
def test_page_member_ids_beyond_the_bound_are_form_errors(world, page, member_id):
    from app.service.models import Pairing

    client = page(world.staff1)
    res = client.post("/staff/points/adjust", data={"member_id": member_id, "points": 2, "reason": "补录"})
    assert res.status_code == 422 and count(LedgerEntry) == 0
    res = client.post("/staff/pairings", data={"member_id": member_id, "household_id": member_id})
    assert res.status_code < 500 and count(Pairing) == 0


def test_checklist_titles_longer_than_the_column_are_refused(world, page):
    now = datetime.now(UTC)
    client = page(world.street_admin)
    res = client.post("/admin/checklist", data={"place_id": world.street1.id, "year": now.year,
                                                "use_suggestion": "1", "title_suggestion": "长" * 101})
    assert res.status_code == 302 and count(ChecklistItem) == 0
    assert "最多 100 个字" in client.get(res.headers["Location"]).get_data(as_text=True)
    res = client.post("/admin/checklist", data={"place_id": world.street1.id, "year": now.year,
                                                "use_suggestion": "1", "title_suggestion": "长" * 100})
    assert res.status_code == 302 and count(ChecklistItem) == 1


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1999-12-31T23:59", "2101-01-01T00:00",
                                  "9999-12-31T23:59"])
def test_page_dates_outside_the_years_are_form_errors(world, page, when):
    later = _local(datetime.now(UTC) + timedelta(days=3))
    res = page(world.staff1).post("/activities/new", data={
        "community_id": world.comm1.id, "title": "宣传", "category": "洁净家园", "starts_at": when,
        "ends_at": later, "capacity": 5, "points": 4})
    assert res.status_code == 422 and "2000 年至 2100 年" in res.get_data(as_text=True)
    res = page(world.staff1).post("/activities/new", data={
        "community_id": world.comm1.id, "title": "宣传", "category": "洁净家园", "starts_at": later,
        "ends_at": when, "capacity": 5, "points": 4})
    assert res.status_code == 422 and count(Activity) == 0
    res = page(world.member1).post("/service/records/new", data={
        "category": "守护平安", "household_id": 0, "started_at": when, "hours": "2",
        "description": "夜间巡逻"})
    assert res.status_code == 422 and "2000 年至 2100 年" in res.get_data(as_text=True)
    assert count(ServiceRecord) == 0
