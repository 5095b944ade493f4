"""Imports: templates, upload (dry run or confirmed), the list of confirmed imports."""
from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import PageArgs, documents_errors, paginate
from app.auth.permissions import roles_required
from app.extensions import db
from app.imports import services
from app.imports.schemas import ImportFiles, ImportForm, ImportResultOut, ImportRunPage, TemplateQuery
from app.imports.upload import uploaded_file
from app.request_body import allow_larger_bodies

blp = Blueprint("imports_api", __name__, url_prefix="/api/v1", description="Bulk imports")
allow_larger_bodies(blp, "IMPORT_MAX_BYTES")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/imports/template", methods=["GET"])
@blp.arguments(TemplateQuery, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX)
@documents_errors(blp, 401, 403)
@roles_required(*services.STAFF_LIKE)
def template(args):
    """The .xlsx template of a kind (Chinese headers, an example row, drop-down lists)."""
    return Response(services.template_workbook(args["kind"]), mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename=import-{args['kind']}.xlsx"})


@blp.route("/imports", methods=["POST"])
@blp.arguments(ImportForm, location="form")
@blp.arguments(ImportFiles, location="files")
@blp.response(200, ImportResultOut)
@documents_errors(blp, 401, 403)
@blp.alt_response(413, description="The file is over IMPORT_MAX_BYTES")
@roles_required(*services.STAFF_LIKE)
def create_import(form, _files):
    """Import a file (.xlsx or .csv) of places, units, members, residents or households: a
    dry run (the default) previews the counts and every row error and writes nothing;
    `dry_run=false` writes every valid row (nothing with `stop_on_error=true` and any error).
    Not a readable spreadsheet, a wrong header, too many rows: 422."""
    data, name = uploaded_file()
    result = services.run_import(current_user, form["kind"], data, name, dry_run=form["dry_run"],
                                 stop_on_error=form["stop_on_error"])
    return result


@blp.route("/imports", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, ImportRunPage)
@documents_errors(blp, 401, 403)
@roles_required(*services.STAFF_LIKE)
def list_imports(args):
    """Confirmed imports of the caller's scope, newest first."""
    return paginate(db.session, services.imports_query(current_user), args["page"], args["page_size"])
