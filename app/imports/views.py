"""/admin/imports: download a template, upload → preview (a dry run) → confirm; past imports."""
from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app import nav
from app.api_base import paginate
from app.auth.permissions import roles_required
from app.auth.roles import STAFF_LIKE
from app.errors import DomainError, refuse_form
from app.extensions import db
from app.i18n import N_
from app.imports import services, staging
from app.imports.forms import ConfirmForm, UploadForm
from app.imports.kinds import KIND_LABELS
from app.imports.upload import uploaded_file
from app.request_body import allow_larger_bodies

bp = Blueprint("imports", __name__)
allow_larger_bodies(bp, "IMPORT_MAX_BYTES")
nav.add(N_("批量导入"), "imports.index", STAFF_LIKE, order=85)
PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render(form: UploadForm, result=None, confirm=None, status: int = 200):
    page = min(max(request.args.get("page", 1, type=int), 1), 100000)
    runs = paginate(db.session, services.imports_query(current_user), page, PAGE_SIZE)
    return render_template("imports/index.html", form=form, result=result, confirm=confirm, kinds=KIND_LABELS,
                           runs=runs, page=page, page_size=PAGE_SIZE), status


@bp.route("/admin/imports")
@roles_required(*STAFF_LIKE)
def index():
    return _render(UploadForm())


@bp.route("/admin/imports/template/<kind>")
@roles_required(*STAFF_LIKE)
def template(kind):
    data = services.template_workbook(kind)
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=import-{kind}.xlsx"})


@bp.route("/admin/imports", methods=["POST"])
@roles_required(*STAFF_LIKE)
def preview():
    """Step one: a dry run of the uploaded file; the file waits for the confirmation."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _render(form, status=422)
    try:
        data, name = uploaded_file()
        result = services.run_import(current_user, form.kind.data, data, name, dry_run=True)
    except DomainError as err:
        status = refuse_form(form, err)
        return _render(form, status=status)
    confirm = ConfirmForm(kind=form.kind.data, token=staging.stage(current_user.id, data, name))
    return _render(form, result={**result, "file_name": name}, confirm=confirm)


@bp.route("/admin/imports/confirm", methods=["POST"])
@roles_required(*STAFF_LIKE)
def confirm():
    """Step two: import the previewed file for real."""
    form = UploadForm(formdata=None)
    confirm_form = ConfirmForm()
    staged = None
    if confirm_form.validate_on_submit():
        staged = staging.take(current_user.id, confirm_form.token.data)
    if staged is None:
        form.form_errors.append(_("预览已过期，请重新上传文件"))
        return _render(form, status=422)
    data, name = staged
    result = services.run_import(current_user, confirm_form.kind.data, data, name, dry_run=False,
                                 stop_on_error=confirm_form.stop_on_error.data)
    return _render(form, result={**result, "file_name": name})
