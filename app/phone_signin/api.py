"""POST /auth/sms-code: a one-time sign-in code by SMS."""
from flask import current_app, request
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.phone_signin import services
from app.phone_signin.schemas import SmsCodeIn, SmsCodeOut

blp = Blueprint("phone_signin_api", __name__, url_prefix="/api/v1", description="Sign-in by phone")


@blp.route("/auth/sms-code", methods=["POST"])
@blp.arguments(SmsCodeIn)
@blp.response(202, SmsCodeOut)
@documents_errors(blp, 429)
@blp.alt_response(503, description="The SMS sender failed")
@blp.doc(security=[])
def request_code(data):
    """Send a 6-digit sign-in code to the phone (valid 5 minutes; then `POST /auth/token`
    with {phone, code}). The same answer whether or not the phone has an account."""
    code = services.send_code(data["phone"], request.remote_addr or "")
    answer = {"sent": True, "expires_in": current_app.config["SMS_CODE_TTL_SECONDS"]}
    if current_app.config["SMS_CODE_SHOWN"]:
        answer["code"] = code
    return answer
