"""Sign-in, sign-out and member sign-up pages."""
import pytest

from app.auth.models import Role, User
from tests import factories as f
from tests.conftest import count


@pytest.mark.parametrize("who,landing", [
    ("member1", "/me"), ("staff1", "/workbench"), ("street_admin", "/workbench"),
    ("admin", "/workbench"), ("unit_admin1", "/unit"), ("resident1", "/resident"),
])
def test_each_role_signs_in_and_lands_on_its_home(world, page, who, landing):
    client = page()
    res = client.post("/login", data={"username": getattr(world, who).username, "password": f.PASSWORD})
    assert res.status_code == 302
    home = client.get(res.headers["Location"])
    if home.status_code == 302:
        home = client.get(home.headers["Location"])
    assert home.status_code == 200 and home.request.path.startswith(landing)
    assert getattr(world, who).name in home.get_data(as_text=True)


def test_wrong_password_is_401_and_signs_nobody_in(world, page):
    client = page()
    res = client.post("/login", data={"username": world.staff1.username, "password": "nope"})
    assert res.status_code == 401 and "用户名或密码错误" in res.get_data(as_text=True)
    assert client.get("/staff/registrations").status_code == 302  # still to the login page


def test_empty_login_form_shows_the_form_again(world, page):
    res = page().post("/login", data={"username": "", "password": ""})
    assert res.status_code == 422 and 'name="username"' in res.get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [("/me/transfer", "/me/transfer"), ("https://evil.example/", "/"),
                                             ("//evil.example/", "/"), ("/\\evil.example/", "/"),
                                             ("/%5Cevil.example/", "/")])
def test_login_follows_next_only_inside_the_site(world, page, target, expected):
    res = page().post(f"/login?next={target}", data={"username": world.member1.username,
                                                     "password": f.PASSWORD})
    assert res.status_code == 302 and res.headers["Location"] == expected


def test_signed_out_pages_go_to_the_login_page(world, page):
    res = page().get("/me")
    assert res.status_code == 302 and res.headers["Location"].startswith("/login?next=")


def test_logout(world, page):
    client = page(world.member1)
    assert client.get("/me").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/me").status_code == 302


def test_signup_page_lists_units_and_creates_a_signed_in_member(world, page):
    client = page()
    html = client.get("/signup").get_data(as_text=True)
    assert "区税务局" in html and "市第一医院" in html
    assert 'required><option value="0">请选择工作单位</option>' in html  # nobody's unit by default
    res = client.post("/signup", data={"username": "liming", "password": "s3cret-pass", "name": "李明",
                                       "phone": "139 1111 2222", "unit_id": world.unit2.id})
    assert res.status_code == 302 and res.headers["Location"] == "/register"
    member = User.query.filter_by(username="liming").one()
    assert (member.role, member.unit_id, member.phone) == (Role.MEMBER, world.unit2.id, "13911112222")
    assert "向居住地社区报到" in client.get("/register").get_data(as_text=True)


@pytest.mark.parametrize("over,field,message", [
    ({"phone": "1391111222x"}, "phone", "11位"), ({"password": "short"}, "password", ""),
    ({"username": "有 空格"}, "username", "3-64"), ({"name": ""}, "name", ""),
    ({"unit_id": 999999}, "unit_id", ""), ({"username": "member1_w"}, "username", "用户名已存在"),
    ({"unit_id": 0}, "unit_id", "请选择工作单位"),  # the "choose" line: no unit picked by default
])
def test_signup_page_shows_the_error_under_the_field_and_writes_nothing(world, page, over, field, message):
    before = count(User)
    data = {"username": "liming", "password": "s3cret-pass", "name": "李明", "phone": "13911112222",
            "unit_id": world.unit2.id, **over}
    res = page().post("/signup", data=data)
    html = res.get_data(as_text=True)
    assert res.status_code == (409 if "已存在" in message else 422)
    assert f'id="{field}"' in html and 'class="field has-error"' in html and message in html
    assert count(User) == before
