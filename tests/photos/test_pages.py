"""Photos on the pages: the member's service form takes them (the record and its photos are
written together or not at all), staff see them in the verification queue, the resident on
the order page, and the page route serves them only to those who may see the record."""
from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

from app.photos.models import Photo, StoredBlob
from app.service.models import ServiceRecord
from tests.conftest import count
from tests.photos.conftest import bad_file, picture, upload


def form(now, *files):
    started = (now + timedelta(hours=8) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    return {"category": "守护平安", "checklist_item": "", "household_id": "0", "started_at": started,
            "hours": "2", "description": "清理楼道杂物",
            "photos": [(BytesIO(data), name) for data, name in files]}


def test_the_service_form_takes_photos_and_staff_see_them(world, page, now):
    member = page(world.member1)
    res = member.post("/service/records/new", data=form(now, (picture(), "a.jpg"), (picture("PNG"), "b.png")),
                      content_type="multipart/form-data")
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    rec = ServiceRecord.query.one()
    photos = Photo.query.filter_by(owner_type="service_record", owner_id=rec.id).all()
    assert len(photos) == 2 and count(StoredBlob) == 4
    queue = page(world.staff1).get("/staff/verify").get_data(as_text=True)
    tokens = set(re.findall(r'/photos/([\w-]+)/thumbnail', queue))
    assert tokens == {p.token for p in photos}
    staff = page(world.staff1)
    for token in tokens:
        shown = staff.get(f"/photos/{token}/thumbnail")
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert page(world.staff3).get(f"/photos/{photos[0].token}").status_code == 404
    assert page(world.member2).get(f"/photos/{photos[0].token}").status_code == 404


def test_a_bad_photo_in_the_form_writes_nothing(world, page, now):
    res = page(world.member1).post("/service/records/new",
                                   data=form(now, (picture(), "a.jpg"), bad_file("svg")),
                                   content_type="multipart/form-data")
    assert res.status_code == 422
    assert "图片" in res.get_data(as_text=True)
    assert count(ServiceRecord) == 0 and count(Photo) == 0 and count(StoredBlob) == 0


def test_the_form_without_photos_still_logs_service(world, page, now):
    res = page(world.member1).post("/service/records/new", data=form(now), content_type="multipart/form-data")
    assert res.status_code == 302 and count(ServiceRecord) == 1 and count(Photo) == 0


def test_claimer_uploads_on_the_order_page_and_the_resident_sees_them(world, page, make_order):
    order = make_order("completed")
    claimer = page(world.member1)
    assert 'data-testid="form-photos"' in claimer.get(f"/orders/{order.id}").get_data(as_text=True)
    res = upload(claimer, f"/orders/{order.id}/photos", picture(), stage="after")
    assert res.status_code == 302 and count(Photo) == 1
    token = Photo.query.one().token
    shown = page(world.resident1).get(f"/orders/{order.id}").get_data(as_text=True)
    assert f"/photos/{token}/thumbnail" in shown and 'data-testid="form-photos"' not in shown
    assert page(world.resident2).get(f"/photos/{token}").status_code == 404
