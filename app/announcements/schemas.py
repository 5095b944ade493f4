from marshmallow import Schema, fields

from app.api_base import Id, PageArgs, page_schema, text


class AnnouncementIn(Schema):
    place_id = Id(required=True)
    title = text(1, 120, required=True)
    body = text(1, 2000, required=True)
    is_pinned = fields.Boolean(load_default=False)
    expires_on = fields.Date(load_default=None, allow_none=True)


class AnnouncementOut(Schema):
    id = fields.Integer(required=True)
    place_id = fields.Integer(required=True)
    place_name = fields.String(attribute="place.name")
    title = fields.String(required=True)
    body = fields.String(required=True)
    is_pinned = fields.Boolean()
    expires_on = fields.Date(allow_none=True)
    author_name = fields.String(attribute="author.name")
    created_at = fields.DateTime()


AnnouncementQuery = PageArgs
AnnouncementPage = page_schema(AnnouncementOut, "AnnouncementPage")
