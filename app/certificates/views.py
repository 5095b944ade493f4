"""Pages: a member's certificates (download, and revoking for staff), the public verification
page behind the certificate's QR code."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Role
from app.auth.permissions import roles_required
from app.auth.roles import MEMBER_OR_STAFF, STAFF_LIKE
from app.certificates import services
from app.certificates.documents import certificate_pdf as make_pdf
from app.certificates.forms import RevokeForm
from app.clock import local_today
from app.pages import submit_form
from app.params import query_date
from app.pdf import pdf_response

bp = Blueprint("certificates", __name__)
CERTIFIERS = MEMBER_OR_STAFF


@bp.get("/me/certificates")
@roles_required(Role.MEMBER)
def mine():
    return redirect(url_for("certificates.member_certificates", member_id=current_user.id))


def _member_page(member_id: int, failed: tuple[int, RevokeForm] | None = None):
    """The member's certificates; `failed` = (certificate id, form) re-shows a refused revoke
    with its error beside the reason and what was typed."""
    certificates = services.certificates_of(current_user, member_id)
    member = services.certified_member(current_user, member_id)
    today = local_today()
    failed_id, failed_form = failed or (None, None)
    return render_template("certificates/member.html", member=member, certificates=certificates,
                           start=today.replace(month=1, day=1), end=today, form=RevokeForm(formdata=None),
                           failed_id=failed_id, failed_form=failed_form,
                           can_revoke=current_user.role in STAFF_LIKE)


@bp.get("/members/<int:member_id>/certificates")
@roles_required(*CERTIFIERS)
def member_certificates(member_id):
    return _member_page(member_id)


@bp.get("/members/<int:member_id>/certificate.pdf")
@roles_required(*CERTIFIERS)
def certificate_pdf(member_id):
    data, filename = make_pdf(current_user, member_id, query_date("from"), query_date("to"))
    return pdf_response(data, filename)


@bp.post("/certificates/<int:certificate_id>/revoke")
@roles_required(*STAFF_LIKE)
def revoke(certificate_id):
    form = RevokeForm()
    member_id = services.revocable(current_user, certificate_id).member_id

    def done():
        cert = services.revoke(current_user, certificate_id, form.reason.data)
        flash(_("证明 %(serial)s 已作废", serial=cert.serial), "success")
        return redirect(url_for("certificates.member_certificates", member_id=cert.member_id))

    return submit_form(form, done, lambda: _member_page(member_id, failed=(certificate_id, form)),
                       conflicts_at_form=False)


@bp.get("/certificates/<code>")
def verify_page(code):
    """Public: name, period and hours of a valid certificate; 404 for anything else."""
    return render_template("certificates/verify.html", cert=services.verified(code))
