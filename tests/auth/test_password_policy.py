"""The password policy (app/auth/passwords.py), and that every way of choosing a password uses
it: member sign-up (API and page), account creation (API and admin page), the command line's
`flask admin create` and changing one's password. Weak passwords are refused with a reason,
in Chinese by default and in English through the catalog."""
import pytest
from flask_babel import force_locale

from app.auth.models import User
from app.auth.passwords import password_problem, temporary_password
from tests.conftest import count

WEAK = {
    "password": "太常见", "12345678": "太常见", "qwertyui": "太常见", "iloveyou": "太常见",
    "demo1234": "太常见", "abcdefgh": "太常见", "11111111": "太常见", "password123": "太常见",
    "        ": "空格", "\t\t\t\t\t\t\t\t": "空格", "short": "至少需要8个字符", "": "至少需要8个字符",
    "liming2024": "用户名", "LIMING!!": "用户名", "gniMil-xyz": "用户名", "a" * 129: "最多128个字符",
    "a" * 100: "太常见",
}
STRONG = ["Quiet-River-7781", "correct horse battery", "Tr0ub4dor&3x", "小明的密码很长的啊", "s3cret-pass"]


@pytest.mark.parametrize("password,reason", sorted(WEAK.items()))
def test_weak_passwords_are_refused_with_a_reason(app, password, reason):
    with app.test_request_context("/"):
        assert reason in (password_problem(password, username="liming", name="李明") or "")


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_pass(app, password):
    with app.test_request_context("/"):
        assert password_problem(password, username="liming") is None


def test_the_reason_is_in_english_for_an_english_reader(app):
    with app.test_request_context("/?lang=en"), force_locale("en"):
        assert "common" in password_problem("12345678")
        assert "8 characters" in password_problem("short")
        assert "username" in password_problem("liming2024", username="liming")
        assert "spaces" in password_problem(" " * 8)


def test_temporary_passwords_pass_the_policy_and_differ(app):
    with app.test_request_context("/"):
        made = {temporary_password() for _ in range(20)}
        assert len(made) == 20 and all(password_problem(p) is None for p in made)


SIGNUP = {"username": "liming", "name": "李明", "phone": "13911112222"}


@pytest.mark.parametrize("password", ["password", "12345678", "        ", "liming", "liming123"])
def test_sign_up_through_the_api_refuses_weak_passwords(world, api, password):
    before = count(User)
    res = api().post("/members/signup", {**SIGNUP, "password": password, "unit_id": world.unit1.id})
    assert res.status_code == 422 and list(res.json["errors"]) == ["password"], res.json
    assert res.json["errors"]["password"][0] == res.json["message"] and "密码" in res.json["message"]
    assert count(User) == before


def test_the_api_gives_the_reason_in_english_on_request(world, api):
    res = api().post("/members/signup?lang=en", {**SIGNUP, "password": "12345678", "unit_id": world.unit1.id})
    assert res.status_code == 422 and "common" in res.json["errors"]["password"][0]


def test_sign_up_page_refuses_weak_passwords_under_the_field(world, page):
    res = page().post("/signup", data={**SIGNUP, "password": "12345678", "unit_id": world.unit1.id})
    html = res.get_data(as_text=True)
    assert res.status_code == 422 and 'class="field has-error"' in html and "太常见" in html
    assert count(User, User.username == "liming") == 0


def test_account_creation_refuses_weak_passwords(world, api, page):
    res = api(world.admin).post("/users", {"username": "newstaff", "password": "newstaff1", "name": "新人",
                                           "role": "staff", "place_id": world.comm1.id})
    assert res.status_code == 422 and "用户名" in res.json["errors"]["password"][0]
    res = page(world.admin).post("/admin/accounts", data={
        "a-username": "newstaff", "a-password": "password", "a-name": "新人", "a-role": "staff",
        "a-place_id": world.comm1.id, "a-unit_id": 0})
    assert res.status_code == 422 and "太常见" in res.get_data(as_text=True)
    assert count(User, User.username == "newstaff") == 0


def test_the_command_line_refuses_weak_passwords(app):
    result = app.test_cli_runner().invoke(
        args=["admin", "create", "--username", "root", "--password", "12345678"])
    assert result.exit_code != 0 and "太常见" in result.output
    assert count(User, User.username == "root") == 0
