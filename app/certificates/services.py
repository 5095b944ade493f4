"""Issuing, showing and revoking certificates. The public code is the serial signed with
SECRET_KEY (itsdangerous): a forged or altered code, an unknown serial and a revoked
certificate all answer 404. Services flush; the request commits."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_member, require_view_member
from app.auth.roles import STAFF_LIKE
from app.certificates.models import Certificate
from app.clock import day_start, local_today, utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.places.models import Place
from app.points.checklist import checklist_for
from app.points.services import points_between
from app.registrations.services import active_registration
from app.service.services import hours_by_category

MAX_PERIOD_DAYS = 366 * 5


@dataclass(frozen=True)
class CertificateContent:
    """What the PDF shows."""
    certificate: Certificate
    member: User
    community: Place | None
    hours_by_category: dict[str, float]
    checklist: dict
    code: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="certificate")


def code_of(cert: Certificate) -> str:
    return _serializer().dumps(cert.serial)


def _period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """[start, end] in local days: by default this year up to today."""
    end = end or today
    start = start or date(end.year, 1, 1)
    if end > today:
        raise Invalid("to", _("截止日期不能晚于今天"))
    if start > end:
        raise Invalid("from", _("起始日期不能晚于截止日期"))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise Invalid("from", _("证明期间最长 5 年"))
    return start, end


def certified_member(viewer: User, member_id: int) -> User:
    """The member himself, or staff over him (anyone else: 404; roles that never may: 403)."""
    if viewer.role != Role.MEMBER and viewer.role not in STAFF_LIKE:
        raise Forbidden(_("只有党员本人和社区工作人员可以出具服务证明"))
    member = require_view_member(viewer, member_id)
    if viewer.role == Role.MEMBER and viewer.id != member.id:
        raise NotFound(_("党员不存在"))
    return member


def issue(viewer: User, member_id: int, start: date | None = None, end: date | None = None,
          now: datetime | None = None) -> CertificateContent:
    """The certificate of the member's verified service in [start, end]: the one already
    issued for the period with the same hours (not revoked), else a new one (audited)."""
    now = now or utcnow()
    member = certified_member(viewer, member_id)
    start, end = _period(start, end, local_today(now))
    lower, upper = day_start(start), day_start(end + timedelta(days=1))
    by_category = hours_by_category(member.id, lower, upper)
    hours = round(sum(by_category.values()), 1)
    points = points_between(member.id, lower, upper)
    reg = active_registration(member.id)
    cert = db.session.scalar(sa.select(Certificate).where(
        Certificate.member_id == member.id, Certificate.period_from == start,
        Certificate.period_to == end, Certificate.hours == hours, Certificate.points == points,
        Certificate.revoked_at.is_(None)).order_by(Certificate.id.desc()).limit(1))
    if cert is None:
        cert = Certificate(serial=secrets.token_urlsafe(12), member_id=member.id,
                           community_id=reg.community_id if reg else None, name=member.name,
                           period_from=start, period_to=end, hours=hours, points=points,
                           issued_by_id=viewer.id, issued_at=now)
        db.session.add(cert)
        db.session.flush()
        record(viewer, "certificate.issue", cert, {
            "member_id": member.id, "from": start.isoformat(), "to": end.isoformat(),
            "hours": hours}, now=now)
    community = db.session.get(Place, cert.community_id) if cert.community_id else None
    return CertificateContent(cert, member, community, by_category,
                              checklist_for(member.id, end.year), code_of(cert))


def verified(code: str) -> Certificate:
    """The valid certificate of a public code; 404 for a forged, unknown or revoked one."""
    try:
        serial = _serializer().loads(code) if len(code) <= 200 else None
    except BadSignature:
        serial = None
    cert = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial)) \
        if isinstance(serial, str) else None
    if cert is None or cert.is_revoked:
        raise NotFound(_("证明不存在或已作废"))
    return cert


def public_view(cert: Certificate) -> dict:
    """All that the public may know of a certificate."""
    return {"name": cert.name, "hours": cert.hours,
            "period": {"from": cert.period_from, "to": cert.period_to}}


def certificates_of(viewer: User, member_id: int) -> list[Certificate]:
    member = certified_member(viewer, member_id)
    return list(db.session.scalars(sa.select(Certificate).where(Certificate.member_id == member.id)
                                   .order_by(Certificate.id.desc()).limit(100)))


def revocable(staff: User, certificate_id: int) -> Certificate:
    """The certificate staff over its member may revoke (anyone else, or none: 404)."""
    cert = db.session.get(Certificate, certificate_id)
    member = db.session.get(User, cert.member_id) if cert is not None else None
    if cert is None or staff.role not in STAFF_LIKE or not can_manage_member(staff, member):
        raise NotFound(_("证明不存在或已作废"))
    return cert


def revoke(staff: User, certificate_id: int, reason: str, now: datetime | None = None) -> Certificate:
    """Staff over the member revoke a certificate (its code then answers 404); audited."""
    cert = revocable(staff, certificate_id)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason", _("请填写作废原因"))
    now = now or utcnow()
    result = db.session.execute(
        sa.update(Certificate).where(Certificate.id == cert.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=staff.id, revoke_reason=reason)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("证明已作废"))
    db.session.refresh(cert)
    record(staff, "certificate.revoke", cert, {"member_id": cert.member_id, "reason": reason}, now=now)
    return cert
