"""`flask admin create` (the bootstrap of API.md)."""
import pytest

from app.auth.models import Role, User
from tests.conftest import count


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_admin_create_makes_a_system_administrator_who_can_sign_in(cli, api):
    result = cli.invoke(args=["admin", "create", "--username", "root", "--password", "long-enough"])
    assert result.exit_code == 0, result.output
    assert "created admin root" in result.output
    user = User.query.filter_by(username="root").one()
    assert user.role == Role.ADMIN and user.place_id is None and user.check_password("long-enough")
    res = api().post("/auth/token", {"username": "root", "password": "long-enough"})
    assert res.status_code == 201 and res.json["user"]["roles"] == ["admin"]


@pytest.mark.parametrize("args,message", [
    (["--username", "root", "--password", "short"], "密码至少需要8个字符"),
    (["--username", "r", "--password", "long-enough"], "用户名"),
    (["--username", "root"], "Missing option"),
])
def test_admin_create_refuses_bad_input(cli, args, message):
    result = cli.invoke(args=["admin", "create", *args])
    assert result.exit_code != 0 and message in result.output
    assert count(User) == 0


def test_admin_create_refuses_a_taken_username(cli):
    first = cli.invoke(args=["admin", "create", "--username", "root", "--password", "long-enough"])
    assert first.exit_code == 0
    result = cli.invoke(args=["admin", "create", "--username", "root", "--password", "other-pass"])
    assert result.exit_code != 0 and "用户名已存在" in result.output
    assert count(User) == 1
