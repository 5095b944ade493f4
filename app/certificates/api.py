"""Certificates (志愿服务证明): the PDF (the member, his staff), the public verification of a
code, issued certificates and revoking them (staff)."""
from flask_login import current_user
from flask_smorest import Blueprint

from app.api_base import documents_errors
from app.auth.permissions import roles_required
from app.auth.roles import MEMBER_OR_STAFF, STAFF_LIKE
from app.certificates import services
from app.certificates.documents import certificate_pdf as make_pdf
from app.certificates.schemas import CertificateOut, PeriodQuery, RevokeIn, VerificationOut
from app.pdf import pdf_response

blp = Blueprint("certificates_api", __name__, url_prefix="/api/v1", description="Certificates")
CERTIFIERS = MEMBER_OR_STAFF


@blp.route("/members/<int:member_id>/certificate.pdf", methods=["GET"])
@blp.arguments(PeriodQuery, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
@documents_errors(blp, 401, 403, 404)
@roles_required(*CERTIFIERS)
def certificate_pdf(args, member_id):
    """The member's verified service in the period (hours by category, 五个一, points, his
    community, the date) with a QR code of the public verification page. Issues (and audits)
    a certificate unless one with the same figures was issued for the period."""
    data, filename = make_pdf(current_user, member_id, args["start"], args["end"])
    return pdf_response(data, filename)


@blp.route("/members/<int:member_id>/certificates", methods=["GET"])
@blp.response(200, CertificateOut(many=True))
@documents_errors(blp, 401, 403, 404)
@roles_required(*CERTIFIERS)
def list_certificates(member_id):
    """The certificates issued to the member, newest first (at most 100)."""
    return services.certificates_of(current_user, member_id)


@blp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@blp.arguments(RevokeIn)
@blp.response(200, CertificateOut)
@documents_errors(blp, 401, 403, 404, 409)
@roles_required(*STAFF_LIKE)
def revoke(data, certificate_id):
    """Staff over the member revoke a certificate: its code no longer verifies."""
    return services.revoke(current_user, certificate_id, data["reason"])


@blp.route("/certificates/<code>", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, VerificationOut)
@documents_errors(blp, 404)
def verify(code):
    """Public: the name, period and hours of a valid certificate; 404 for a forged, unknown
    or revoked code."""
    return services.public_view(services.verified(code))
