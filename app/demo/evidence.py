"""Demo evidence: two photos on some of the service records waiting for staff (so the
verification queue shows them) and a certificate for a member with verified service. Through
the real services. Idempotent: does nothing when photos exist. Returns the lines to print."""
from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa
from PIL import Image, ImageDraw

from app.auth.models import User
from app.certificates.services import issue
from app.extensions import db
from app.photos.models import OwnerType, Photo
from app.photos.services import add_photo
from app.service.models import RecordStatus, ServiceRecord

RECORDS_WITH_PHOTOS = 6
COLOURS = ((196, 62, 52), (52, 120, 196), (60, 150, 90), (210, 160, 40))


def _picture(n: int) -> bytes:
    """A small stand-in photo: a coloured card with a few shapes."""
    image = Image.new("RGB", (1200, 900), COLOURS[n % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.ellipse((80 + i * 170, 300 + (i % 2) * 120, 220 + i * 170, 440 + (i % 2) * 120),
                     fill=(255, 255, 255))
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Photo.id).limit(1)) is not None:
        return []
    pending = db.session.scalars(
        sa.select(ServiceRecord).where(ServiceRecord.status == RecordStatus.PENDING)
        .order_by(ServiceRecord.id).limit(RECORDS_WITH_PHOTOS)).all()
    photos = 0
    for rec in pending:
        member = db.session.get(User, rec.member_id)
        for n in range(2):
            add_photo(member, OwnerType.SERVICE_RECORD, rec.id, _picture(rec.id + n))
            photos += 1
    verified = db.session.scalar(sa.select(ServiceRecord.member_id).where(
        ServiceRecord.status == RecordStatus.VERIFIED).order_by(ServiceRecord.id).limit(1))
    lines = [f"photos on {len(pending)} waiting service records: {photos}"]
    if verified is not None:
        member = db.session.get(User, verified)
        content = issue(member, member.id)
        lines.append(f"certificate for {member.username}: /certificates/{content.code}")
    return lines
