"""Running an import: read the file, check every row, write the valid ones in the caller's
transaction (a savepoint: a dry run, or a run told to stop on any error that found one, is
rolled back and leaves nothing), record and audit what a confirmed run wrote. The caller
commits once."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role
from app.auth.permissions import place_scope
from app.auth.roles import STAFF_LIKE
from app.errors import Forbidden, Invalid
from app.exports import template_xlsx
from app.extensions import db
from app.imports.handlers import HouseholdsHandler, Outcome, PlacesHandler, UnitsHandler
from app.imports.kinds import KINDS
from app.imports.models import ImportRun
from app.imports.people import MembersHandler, ResidentsHandler
from app.imports.reader import open_rows
from app.imports.resolve import RowError, Scope
from app.transaction import release

HANDLERS = {"places": PlacesHandler, "units": UnitsHandler, "members": MembersHandler,
            "residents": ResidentsHandler, "households": HouseholdsHandler}


def get_kind(kind: str | None):
    if kind not in KINDS:
        raise Invalid("kind", _("导入类型应为：%(kinds)s", kinds=", ".join(KINDS)))
    return KINDS[kind]


def require_importer(actor) -> None:
    if actor is not None and actor.role not in STAFF_LIKE:
        raise Forbidden(_("无权导入"))


def run_import(actor, kind: str, data: bytes, file_name: str, *, dry_run: bool,
               stop_on_error: bool = False) -> dict:
    """Imports `data` (the bytes of an .xlsx or .csv) as rows of `kind`. `actor` None is the
    command line without --as (everywhere; members' registrations stay pending). A dry run
    writes nothing; otherwise every valid row is written, or nothing when `stop_on_error` and
    any row has an error. Raises Invalid("file") for a file that cannot be read at all."""
    spec = get_kind(kind)
    require_importer(actor)
    config = current_app.config
    outcome = Outcome()
    savepoint = db.session.begin_nested()
    try:
        rows = open_rows(data, file_name, spec.headers, spec.required, config["IMPORT_MAX_ROWS"])
        handler = HANDLERS[kind](actor, Scope(actor), outcome, actor is not None)
        _process(handler, rows, outcome, config["IMPORT_CHUNK_ROWS"])
        if outcome.rows == 0:
            raise Invalid("file", _("文件只有表头，没有数据行"))
    except BaseException:
        savepoint.rollback()
        raise
    stopped = stop_on_error and bool(outcome.errors)
    written = not dry_run and not stopped
    if written:
        release(savepoint)
    else:
        savepoint.rollback()
    outcome.errors.sort(key=lambda e: e["row"])
    run = _record(actor, kind, file_name, outcome) if written else None
    limit = config["IMPORT_MAX_ERRORS_SHOWN"]
    return {"id": run.id if run else None, "kind": kind, "dry_run": dry_run, "stopped": stopped,
            "rows": outcome.rows, "created": outcome.created, "updated": outcome.updated,
            "unchanged": outcome.unchanged, "error_count": len(outcome.errors),
            "errors": outcome.errors[:limit]}


def _process(handler, rows, outcome: Outcome, chunk_size: int) -> None:
    seen: dict = {}
    chunk: list = []
    for row in rows:
        outcome.rows += 1
        try:
            number, key, parsed = handler.parse(row)
        except RowError as err:
            outcome.error(row.number, err.column, err.message)
            continue
        if key in seen:
            outcome.error(row.number, "", _("与第 %(n)s 行重复", n=seen[key]))
            continue
        seen[key] = number
        chunk.append((number, key, parsed))
        if len(chunk) >= chunk_size:
            handler.apply(chunk)
            db.session.flush()
            chunk = []  # the session keeps no reference to clean rows: memory stays flat
    if chunk:
        handler.apply(chunk)
        db.session.flush()


def _record(actor, kind: str, file_name: str, outcome: Outcome) -> ImportRun:
    run = ImportRun(kind=kind, file_name=file_name[:200], actor_id=getattr(actor, "id", None),
                    place_id=getattr(actor, "place_id", None), rows=outcome.rows,
                    created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged,
                    error_count=len(outcome.errors))
    db.session.add(run)
    db.session.flush()
    record(actor, "import.run", run, {"kind": kind, "file_name": run.file_name, "created": run.created,
                                      "updated": run.updated, "unchanged": run.unchanged,
                                      "errors": run.error_count})
    return run


def imports_query(viewer):
    """The confirmed imports the viewer may see, newest first: all for system admins, those
    made by accounts inside their place for street admins and staff."""
    require_importer(viewer)
    stmt = sa.select(ImportRun).order_by(ImportRun.id.desc())
    if viewer.role == Role.ADMIN:
        return stmt
    return stmt.where(place_scope(viewer, ImportRun.place_id))


def template_workbook(kind: str) -> bytes:
    """The .xlsx template of a kind: its headers (required ones marked *), an example row,
    drop-down lists for the columns with fixed choices, phones kept as text."""
    spec = get_kind(kind)
    return template_xlsx(
        kind, [c.name + ("*" if c.required else "") for c in spec.columns],
        [c.example for c in spec.columns],
        text_columns=[i for i, c in enumerate(spec.columns) if c.text],
        choices={i: c.choices for i, c in enumerate(spec.columns) if c.choices},
        choice_error=_("请从列表中选择"))
