"""Evidence benchmark: the letters PDF of a unit of 500 members (target < 30 s), one
certificate PDF (target < 1 s) and uploading and processing a 4,000 x 3,000 JPEG through the
API (target < 1 s), in one process as one worker serves them; prints the peak RSS of the
process after each stage (what one worker needs) and the load average. The letters' CPU time
is printed beside their wall time: on a shared machine the wall time also counts the waits for
a core.

    python -m bench.bench_evidence --backend sqlite            # 500 members
    python -m bench.bench_evidence --backend postgres --small  # 50 members
"""
from __future__ import annotations

import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from io import BytesIO

from PIL import Image

from bench.common import Bench, backends, base_parser, summarize, time_calls

LETTERS_TARGET_S, CERTIFICATE_TARGET_MS, PHOTO_TARGET_MS = 30.0, 1000.0, 1000.0


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def camera_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """A 12-megapixel photo-like JPEG (noise over a gradient compresses like a photo), with EXIF."""
    noise = Image.effect_noise((width // 4, height // 4), 40).resize((width, height))
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (noise, gradient, noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    out = BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def build(b: Bench, members: int):
    """The small world plus `members` members of unit1 in comm1 with verified hours, points
    and published ratings for last year."""
    from app.auth.models import User
    from app.points.services import append_entry
    from app.ratings.services import publish
    from app.registrations.units import register_unit
    from app.service.models import RecordStatus, ServiceRecord
    from tests import factories as f

    year = datetime.now(UTC).year - 1
    when = datetime(year, 6, 15, 4, tzinfo=UTC)
    w = f.build_world()
    register_unit(unit=w.unit1, community_id=w.comm1.id, resources=["志愿服务"], actor=w.admin)
    people = [w.member1] + [f.member_in(w.comm1, w.unit1) for _ in range(members - 1)]
    for i, m in enumerate(people):
        b.db.session.add(ServiceRecord(member_id=m.id, community_id=w.comm1.id, category="关爱老人",
                                       started_at=when + timedelta(days=i % 100), hours=1 + i % 5,
                                       description="陪老人就医", status=RecordStatus.VERIFIED,
                                       created_at=when))
        append_entry(member_id=m.id, points=10 + i % 50, rule_key="attendance", source_type="attendance",
                     source_id=i + 1, idempotency_key=f"bench:{i}", now=when)
    b.db.session.flush()
    publish(w.staff1, w.comm1.id, year)
    b.db.session.commit()
    ids = {k: getattr(w, k).id for k in ("unit_admin1", "member1", "staff1", "unit1", "comm1")}
    assert b.db.session.query(User).filter_by(unit_id=ids["unit1"]).count() >= members
    return ids, year


def run(backend: str, members: int, repeat: int) -> dict:
    with Bench("evidence", backend) as b:
        ids, year = build(b, members)
        b.note("members in the unit", members)
        b.note("peak RSS after loading (MB)", peak_rss_mb())
        from app.auth.models import User
        from app.certificates.documents import certificate_pdf
        from app.ratings.letter_pdfs import unit_letters_document
        from app.service.services import create_record

        def letters():
            with b.app.test_request_context():
                admin = b.db.session.get(User, ids["unit_admin1"])
                data, _ = unit_letters_document(admin, ids["unit1"], year)
            b.db.session.remove()
            return data

        start, cpu = time.perf_counter(), time.process_time()
        data = letters()
        first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
        seconds = [first] + [s / 1000 for s in time_calls(letters, repeat=1, warmup=0)]
        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(data)).pages)
        b.results.append({"label": f"letters PDF, unit of {members}", "backend": backend,
                          **summarize([s * 1000 for s in seconds]), "queries": "-", "pages": pages,
                          "bytes": len(data), "first_s": round(first, 2),
                          "first_cpu_s": round(first_cpu, 2),
                          "meets_target": max(seconds) < LETTERS_TARGET_S})
        print(f"  letters PDF: {pages} pages, {len(data) // 1024} KB, {first:.1f} s (first; "
              f"{first_cpu:.1f} s of CPU), "
              f"{seconds[-1]:.1f} s (second)", flush=True)
        b.note("peak RSS after the letters PDF (MB)", peak_rss_mb())

        def certificate():
            with b.app.test_request_context():
                pdf, _ = certificate_pdf(b.db.session.get(User, ids["member1"]), ids["member1"], None, None)
            b.db.session.commit()
            b.db.session.remove()
            return pdf

        b.measure("certificate PDF (issue + render)", certificate, repeat=repeat,
                  target_p50_ms=CERTIFICATE_TARGET_MS)
        b.note("peak RSS after certificates (MB)", peak_rss_mb())

        photo = camera_jpeg()
        b.note("camera JPEG", f"4000x3000, {len(photo) / 1024 / 1024:.1f} MB")
        member = b.db.session.get(User, ids["member1"])
        records = []
        for _ in range(repeat // 9 + 2):  # at most 9 photos a record
            records.append(create_record(member, community_id=ids["comm1"], category="关爱老人",
                                         started_at=datetime.now(UTC) - timedelta(days=1), hours=1,
                                         description="陪老人就医").id)
        b.db.session.commit()
        from app.auth.services import issue_token

        token, _ = issue_token(member)
        b.db.session.commit()
        client = b.app.test_client()
        uploads = iter(rid for rid in records for _ in range(9))

        def upload():
            return client.post(f"/api/v1/service-records/{next(uploads)}/photos",
                               headers={"Authorization": f"Bearer {token}"},
                               data={"file": (BytesIO(photo), "IMG_0001.JPG")},
                               content_type="multipart/form-data")

        from app.photos import images

        config = b.app.config
        samples = time_calls(lambda: images.process(
            photo, max_pixels=config["PHOTO_MAX_PIXELS"], max_side=config["PHOTO_MAX_SIDE"],
            thumbnail_side=config["PHOTO_THUMBNAIL_SIDE"]), repeat=repeat)
        b.results.append({"label": "check + re-encode a 4000x3000 JPEG (Pillow only)", "backend": backend,
                          **summarize(samples), "queries": 0, "target_p50_ms": PHOTO_TARGET_MS,
                          "meets_target": summarize(samples)["p50_ms"] < PHOTO_TARGET_MS})
        print(f"  check + re-encode: p50 {summarize(samples)['p50_ms']:.0f} ms", flush=True)
        b.measure("upload + process a 4000x3000 JPEG (API, test client's multipart encoding included)",
                  upload, repeat=min(repeat, 9 * len(records) - 5), target_p50_ms=PHOTO_TARGET_MS)
        b.note("peak RSS after photos (MB)", peak_rss_mb())
        b.note("load average (1, 5, 15 min)", tuple(round(x, 2) for x in os.getloadavg()))
        return b.report()


def main(argv=None) -> int:
    parser = base_parser(__doc__)
    args = parser.parse_args(argv)
    members = 50 if args.small else 500
    for backend in backends(args.backend):
        run(backend, members, min(args.repeat, 20))
    return 0


if __name__ == "__main__":
    sys.exit(main())
