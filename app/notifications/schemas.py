import marshmallow as ma
from marshmallow import fields

from app.api_base import PageArgs, page_schema


class NotificationQuery(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread ones"})


class NotificationOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(allow_none=True)
    is_read = fields.Function(lambda n: n.read_at is not None)


NotificationPage = type("NotificationPage", (page_schema(NotificationOut, "NotificationPageBase"),),
                        {"unread": fields.Integer(required=True)})
