"""`flask admin reset-password / disable / enable --username U`: the same services as the
pages and the API, audited with no actor (the command line)."""
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import User
from app.extensions import db
from tests import factories as f


def run(app, *args):
    return app.test_cli_runner().invoke(args=["admin", *args])


def test_reset_password_prints_a_temporary_password_that_must_be_changed(app, world, api):
    old = api(world.staff1)
    result = run(app, "reset-password", "--username", world.staff1.username)
    assert result.exit_code == 0, result.output
    temporary = result.output.split(": ", 1)[1].split()[0]
    db.session.expire_all()
    user = db.session.get(User, world.staff1.id)
    assert user.check_password(temporary) and user.must_change_password
    assert old.get("/me").status_code == 401
    res = api().post("/auth/token", {"username": world.staff1.username, "password": temporary})
    assert res.status_code == 201 and res.json["user"]["must_change_password"] is True
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.password_reset"))
    assert entry.actor_id is None and entry.target_id == world.staff1.id
    assert temporary not in str(entry.detail)


def test_disable_and_enable_from_the_command_line(app, world, api):
    token = api(world.member1)
    result = run(app, "disable", "--username", world.member1.username)
    assert result.exit_code == 0 and "disabled" in result.output
    assert token.get("/me").status_code == 401
    assert api().post("/auth/token", {"username": world.member1.username,
                                      "password": f.PASSWORD}).status_code == 401
    result = run(app, "enable", "--username", world.member1.username)
    assert result.exit_code == 0 and "enabled" in result.output
    assert api().post("/auth/token", {"username": world.member1.username,
                                      "password": f.PASSWORD}).status_code == 201
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.disable", "user.enable"]


def test_an_unknown_username_is_an_error_and_changes_nothing(app, world):
    for command in ("reset-password", "disable", "enable"):
        result = run(app, command, "--username", "nobody")
        assert result.exit_code != 0 and "nobody" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
