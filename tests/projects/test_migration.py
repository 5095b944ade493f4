"""Migration 0011 (and the later ones up to the head, 0018's project sessions): builds what the
co-building models declare, turns the free-text resources of
组织报到 into items of each unit's list (kinds guessed from the words), and its downgrade gives
the free text back. Runs on a database of its own (SQLite, or PostgreSQL with TEST_DB)."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from config import TestConfig

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
# The revision before 0011, whatever the merges chained it to.
BEFORE = re.search(
    r"^down_revision = '(\w+)'",
    (Path(MIGRATIONS) / "versions" / "0011_cobuilding_projects.py").read_text(encoding="utf-8"),
    re.M,
).group(1)
TABLES = {
    "unit_resource",
    "agreement",
    "project",
    "project_claim",
    "project_claim_resource",
    "project_signup",
    "project_session",
    "project_event",
    "team",
    "team_member",
    "team_claim",
    "unit_registration",
}


def _other_database(postgres_server) -> str:
    if postgres_server is not None:
        return postgres_server.create_database("migration_0011")
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='mig0011-')) / 'm.db'}"


def _ours(obj, name, type_, reflected, compare_to) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return getattr(table, "name", name) in TABLES


def test_free_text_resources_become_items_and_come_back(postgres_server):
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    other = create_app({**settings, "SQLALCHEMY_DATABASE_URI": _other_database(postgres_server)})
    now = datetime.now(UTC)
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO place (id, kind, name, path, created_at) VALUES "
                    "(1, 'community', '仓边社区', '/1/', :t), (2, 'community', '都府社区', '/2/', :t)"
                ),
                {"t": now},
            )
            conn.execute(
                sa.text("INSERT INTO unit (id, name, kind, created_at) VALUES (1, '区税务局', 'agency', :t)"),
                {"t": now},
            )
            for reg_id, community_id, resources in (
                (1, 1, ["会议室", "法律咨询", "爱心捐款"]),
                (2, 2, ["法律咨询", "青年志愿服务队", "两台电脑", "茶歇"]),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO unit_registration (id, unit_id, community_id, resources, created_at)"
                        " VALUES (:id, 1, :c, :r, :t)"
                    ),
                    {
                        "id": reg_id,
                        "c": community_id,
                        "r": json.dumps(resources, ensure_ascii=False),
                        "t": now,
                    },
                )
        upgrade(directory=MIGRATIONS, revision="0011")
        with db.engine.connect() as conn:
            items = conn.execute(sa.text("SELECT unit_id, kind, name FROM unit_resource ORDER BY id")).all()
            rule = conn.execute(
                sa.text("SELECT points FROM scoring_rule WHERE key = 'project_participation'")
            ).scalar()
        assert [tuple(i) for i in items] == [
            (1, "venue", "会议室"),
            (1, "professional", "法律咨询"),
            (1, "funds", "爱心捐款"),
            (1, "volunteers", "青年志愿服务队"),
            (1, "equipment", "两台电脑"),
            (1, "other", "茶歇"),
        ]
        assert rule == 10
        upgrade(directory=MIGRATIONS)  # the later ones (0018: project sessions) change these tables
        context = MigrationContext.configure(
            db.engine.connect(), opts={"compare_type": True, "include_object": _ours}
        )
        assert compare_metadata(context, db.metadata) == []
        context.connection.close()
        downgrade(directory=MIGRATIONS, revision=BEFORE)
        with db.engine.connect() as conn:
            rows = (
                conn.execute(sa.text("SELECT resources FROM unit_registration ORDER BY id")).scalars().all()
            )
        names = [json.loads(r) if isinstance(r, str) else r for r in rows]
        assert names == [["会议室", "法律咨询", "爱心捐款", "青年志愿服务队", "两台电脑", "茶歇"]] * 2
        db.engine.dispose()


def test_0018_keeps_the_sign_ups_and_its_downgrade_drops_the_session_ones(postgres_server):
    """0018 keeps every sign-up (no session); after it a member holds one sign-up per session
    of a project; its downgrade drops the session sign-ups and the one-per-project rule holds
    again."""
    if postgres_server is not None:
        url = postgres_server.create_database("migration_0018")
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='mig0018-')) / 'm.db'}"
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    other = create_app({**settings, "SQLALCHEMY_DATABASE_URI": url})
    now = datetime.now(UTC)
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0013")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO place (id, kind, name, path, created_at)"
                    " VALUES (1, 'community', '仓边社区', '/1/', :t)"
                ),
                {"t": now},
            )
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (id, username, password_hash, role, name, is_active, created_at) '
                    "VALUES (1, 'm1', 'x', 'member', '党员甲', :y, :t)"
                ),
                {"t": now, "y": True},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO project (id, community_id, title, kind, goals, starts_on, ends_on, places,"
                    " claimed_places, slots, signup_count, points, hours, skills, resources_needed, status,"
                    " created_at, updated_at) VALUES (1, 1, '义诊', '专业服务', '', '2026-11-01',"
                    " '2026-12-31', 1, 0, 5, 1, 10, 2.0, '[]', '', 'open', :t, :t)"
                ),
                {"t": now},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO project_signup (id, project_id, member_id, created_at, is_absent)"
                    " VALUES (1, 1, 1, :t, :f)"
                ),
                {"t": now, "f": False},
            )
        upgrade(directory=MIGRATIONS)
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT id, session_id FROM project_signup")).all() == [(1, None)]
            for sid in (1, 2):
                conn.execute(
                    sa.text(
                        "INSERT INTO project_session (id, project_id, title, location, starts_at, ends_at,"
                        " slots, signup_count, status, cancel_reason, created_at, updated_at)"
                        " VALUES (:id, 1, '场次', '', :t, :t, 3, 1, 'active', '', :t, :t)"
                    ),
                    {"id": sid, "t": now},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO project_signup"
                        " (id, project_id, session_id, member_id, created_at, is_absent)"
                        " VALUES (:id, 1, :s, 1, :t, :f)"
                    ),
                    {"id": 1 + sid, "s": sid, "t": now, "f": False},
                )
        with db.engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
            conn.execute(  # a second sign-up of the same session
                sa.text(
                    "INSERT INTO project_signup (id, project_id, session_id, member_id, created_at,"
                    " is_absent) VALUES (8, 1, 1, 1, :t, :f)"
                ),
                {"t": now, "f": False},
            )
        downgrade(directory=MIGRATIONS, revision="0013")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id FROM project_signup")).scalars().all() == [1]
        with db.engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
            conn.execute(  # one per member and project again
                sa.text(
                    "INSERT INTO project_signup (id, project_id, member_id, created_at, is_absent)"
                    " VALUES (9, 1, 1, :t, :f)"
                ),
                {"t": now, "f": False},
            )
        db.engine.dispose()
