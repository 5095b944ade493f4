"""一信一函 as server-side PDF (app/pdf.py): a member's letter, and a unit's cover letter with
every published letter of its members, one a page. Same permissions as the HTML letters."""
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.api_base import documents_errors
from app.auth.models import Role
from app.auth.permissions import roles_required
from app.clock import local_today
from app.params import query_year
from app.pdf import pdf_response, render_pdf, render_pdf_parts
from app.ratings import letters
from app.ratings.api import blp
from app.ratings.blueprint import bp
from app.ratings.schemas import RatingYearQuery

PDF = {"type": "string", "format": "binary"}


def unit_letters_document(viewer, unit_id: int, year: int) -> tuple[bytes, str]:
    """The cover letter and every published letter, rendered PDF_PART_PAGES letters at a time."""
    cover = letters.cover_letter(viewer, unit_id, year)
    unit, rows, _total = letters.unit_letters(viewer, unit_id, year, page_size=None)
    size = current_app.config["PDF_PART_PAGES"]
    title = _("%(year)s 年度反馈函", year=year)
    parts = (render_template("ratings/letters_pdf.html", letter=cover if start == 0 else None,
                             rows=rows[start:start + size], unit_name=unit.name, today=local_today(),
                             title=title)
             for start in range(0, max(len(rows), 1), size))
    return render_pdf_parts(parts), f"{unit.name}-{year}-反馈函.pdf"


def member_letter_document(viewer, member_id: int, year: int) -> tuple[bytes, str]:
    row, member = letters.member_letter(viewer, member_id, year)
    html = render_template("ratings/letters_pdf.html", letter=None, rows=[row],
                           unit_name=member.unit.name if member.unit else "", title=_("反馈函"))
    return render_pdf(html), f"{row.name}-{year}-反馈函.pdf"


@bp.get("/units/<int:unit_id>/letters.pdf")
@roles_required(Role.UNIT_ADMIN, Role.ADMIN)
def unit_letters_pdf(unit_id):
    return pdf_response(*unit_letters_document(current_user, unit_id, query_year()))


@bp.get("/members/<int:member_id>/letter.pdf")
@roles_required()
def member_letter_pdf(member_id):
    return pdf_response(*member_letter_document(current_user, member_id, query_year()))


@blp.route("/units/<int:unit_id>/letters.pdf", methods=["GET"])
@blp.arguments(RatingYearQuery, location="query")
@blp.response(200, PDF, content_type="application/pdf")
@documents_errors(blp, 401, 403, 404)
@roles_required(Role.UNIT_ADMIN, Role.ADMIN)
def unit_letters_pdf_api(args, unit_id):
    """The unit's cover letter and every published feedback letter of its members, one a page."""
    return pdf_response(*unit_letters_document(current_user, unit_id, args["year"]))


@blp.route("/members/<int:member_id>/letter.pdf", methods=["GET"])
@blp.arguments(RatingYearQuery, location="query")
@blp.response(200, PDF, content_type="application/pdf")
@documents_errors(blp, 401, 403, 404, 409)
@roles_required()
def member_letter_pdf_api(args, member_id):
    """The member's feedback letter (409 before the rating is published)."""
    return pdf_response(*member_letter_document(current_user, member_id, args["year"]))
