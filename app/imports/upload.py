"""Reading the uploaded file of a request within the size limit (413 beyond it)."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import Invalid


def uploaded_file() -> tuple[bytes, str]:
    """(bytes, file name) of the request's `file`; 413 over IMPORT_MAX_BYTES, 422 if none."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("file", _("请选择要导入的文件"))
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge(_("文件超过 %(mb)s MB 的上限", mb=limit // (1024 * 1024)))
    return data, upload.filename
