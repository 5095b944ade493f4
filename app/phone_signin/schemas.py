import marshmallow as ma


class SmsCodeIn(ma.Schema):
    phone = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))


class SmsCodeOut(ma.Schema):
    sent = ma.fields.Boolean(required=True)
    expires_in = ma.fields.Integer(required=True)
    code = ma.fields.String(metadata={"description": "Only outside production (SMS_CODE_SHOWN)"})
