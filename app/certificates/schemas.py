import marshmallow as ma

from app.api_base import text


class PeriodQuery(ma.Schema):
    start = ma.fields.Date(data_key="from", load_default=None,
                           metadata={"description": "First day (default: 1 January of `to`'s year)"})
    end = ma.fields.Date(data_key="to", load_default=None,
                         metadata={"description": "Last day (default: today)"})


class PeriodOut(ma.Schema):
    start = ma.fields.Date(data_key="from", attribute="from", required=True)
    end = ma.fields.Date(data_key="to", attribute="to", required=True)


class VerificationOut(ma.Schema):
    """All the public may know of a certificate."""
    name = ma.fields.String(required=True)
    period = ma.fields.Nested(PeriodOut, required=True)
    hours = ma.fields.Float(required=True)


class CertificateOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    serial = ma.fields.String(required=True)
    member_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    period_from = ma.fields.Date(required=True)
    period_to = ma.fields.Date(required=True)
    hours = ma.fields.Float(required=True)
    points = ma.fields.Integer(required=True)
    issued_at = ma.fields.AwareDateTime(required=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    revoke_reason = ma.fields.String(allow_none=True)


class RevokeIn(ma.Schema):
    reason = text(min=1, max=500, required=True)
