"""The import service itself (without HTTP): dry runs, written runs, stop on error, who may."""
import io

import pytest
from openpyxl import load_workbook

from app.audit.models import AuditEntry
from app.auth.models import User
from app.errors import Forbidden, Invalid
from app.extensions import db
from app.imports import services
from app.imports.models import ImportRun
from app.registrations.models import Registration
from tests.conftest import count
from tests.imports.helpers import member_row, xlsx


def test_a_dry_run_counts_what_it_would_write_and_writes_nothing(world):
    users = count(User)
    result = services.run_import(world.staff1, "members", xlsx([member_row()]), "m.xlsx", dry_run=True)
    assert (result["created"], result["error_count"], result["id"]) == (1, 0, None)
    assert (count(User), count(ImportRun)) == (users, 0)


def test_a_written_run_is_recorded_and_audited_once(world):
    data = xlsx([member_row(), member_row(name="李娜", phone="13900139000")])
    result = services.run_import(world.staff1, "members", data, "m.xlsx", dry_run=False)
    run = db.session.get(ImportRun, result["id"])
    assert (run.created, run.actor_id, run.place_id) == (2, world.staff1.id, world.comm1.id)
    assert count(AuditEntry, AuditEntry.action == "import.run") == 1
    assert count(Registration, Registration.community_id == world.comm1.id) >= 2
    again = services.run_import(world.staff1, "members", data, "m.xlsx", dry_run=False)
    assert (again["created"], again["unchanged"]) == (0, 2)


def test_stop_on_error_writes_none_of_the_valid_rows(world):
    users = count(User)
    data = xlsx([member_row(), member_row(name="错单位", phone="13700137000", unit="无此单位")])
    result = services.run_import(world.staff1, "members", data, "m.xlsx", dry_run=False,
                                 stop_on_error=True)
    assert (result["stopped"], result["error_count"], result["id"]) == (True, 1, None)
    assert (count(User), count(ImportRun)) == (users, 0)


def test_bad_kind_empty_file_and_wrong_role_are_refused(world):
    with pytest.raises(Invalid) as err:
        services.run_import(world.staff1, "nonsense", b"", "x.xlsx", dry_run=True)
    assert err.value.field == "kind"
    with pytest.raises(Invalid) as err:
        services.run_import(world.staff1, "members", xlsx([]), "x.xlsx", dry_run=True)
    assert err.value.field == "file"
    for outsider in (world.member1, world.unit_admin1, world.resident1):
        with pytest.raises(Forbidden):
            services.run_import(outsider, "members", xlsx([member_row()]), "x.xlsx", dry_run=True)


def test_each_viewer_sees_the_runs_of_his_scope(world):
    services.run_import(world.staff1, "members", xlsx([member_row()]), "m.xlsx", dry_run=False)
    seen = {v: len(db.session.scalars(services.imports_query(getattr(world, v))).all())
            for v in ("admin", "street_admin", "staff1", "staff3")}
    assert seen == {"admin": 1, "street_admin": 1, "staff1": 1, "staff3": 0}


def test_the_template_has_the_kinds_headers(world):
    sheet = load_workbook(io.BytesIO(services.template_workbook("members"))).active
    headers = [c.value.rstrip("*") for c in sheet[1] if c.value]
    assert headers == [c.name for c in services.get_kind("members").columns]
