"""POST /residents/signup: a resident signs himself up with the code sent to his phone."""
from flask import current_app, request
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.auth.schemas import UserOut
from app.extensions import limiter
from app.residents import services
from app.residents.schemas import ResidentSignupIn

blp = Blueprint("residents_api", __name__, url_prefix="/api/v1", description="Residents")


@blp.route("/residents/signup", methods=["POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT"], key_func=lambda: request.remote_addr or "local")
@blp.arguments(ResidentSignupIn)
@blp.response(201, UserOut)
@documents_errors(blp, 409, 429)
@blp.doc(security=[])
def signup(data):
    """Resident sign-up by phone: first `POST /auth/sms-code`, then this with the code (no
    password); later sign-ins use a new code. A phone that has an account: 409."""
    user = services.signup(**data)
    return user
