"""Imports: the query and form of an upload, the preview, the list of runs."""
import marshmallow as ma

from app.api_base import page_schema
from app.imports.kinds import KINDS

KIND = ma.fields.String(required=True, validate=ma.validate.OneOf(list(KINDS)))


class TemplateQuery(ma.Schema):
    kind = KIND


class ImportForm(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(KINDS)))
    dry_run = ma.fields.Boolean(load_default=True)
    stop_on_error = ma.fields.Boolean(load_default=False)


class ImportFiles(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RowErrorOut(ma.Schema):
    row = ma.fields.Integer(required=True)
    column = ma.fields.String(required=True)
    message = ma.fields.String(required=True)


class ImportResultOut(ma.Schema):
    id = ma.fields.Integer(allow_none=True)
    kind = ma.fields.String(required=True)
    dry_run = ma.fields.Boolean(required=True)
    stopped = ma.fields.Boolean(required=True)
    rows = ma.fields.Integer(required=True)
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    error_count = ma.fields.Integer(required=True)
    errors = ma.fields.List(ma.fields.Nested(RowErrorOut), required=True)


class ImportRunOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    file_name = ma.fields.String(required=True)
    actor_id = ma.fields.Integer(allow_none=True)
    actor_name = ma.fields.Function(lambda run: run.actor.name if run.actor else None)
    rows = ma.fields.Integer(required=True)
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    error_count = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)


ImportRunPage = page_schema(ImportRunOut, "ImportRunPage")
