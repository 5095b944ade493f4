"""Photo evidence through the API: what is accepted and how it is stored, what is refused
(nothing stored), the 9-photo limit, and who may fetch a photo (404 for anyone else)."""
from __future__ import annotations

from io import BytesIO

import pytest
from PIL import ExifTags, Image

from app.extensions import db
from app.photos.models import Photo, StoredBlob
from app.service.services import create_suggestion, verify_record
from tests.conftest import count, settle
from tests.photos.conftest import bad_file, picture, upload


def stored_nothing() -> bool:
    return count(Photo) == 0 and count(StoredBlob) == 0


def test_a_photo_is_stored_re_encoded_without_gps(world, api, record):
    res = upload(api(world.member1), f"/service-records/{record.id}/photos", picture(size=(4000, 3000)))
    assert res.status_code == 201, res.json
    body = res.json
    assert set(body) >= {"id", "url", "thumbnail_url"} and not body["id"].isdigit() and len(body["id"]) >= 32
    assert body["url"] == f"/api/v1/photos/{body['id']}"
    full = api(world.member1).get(body["url"])
    assert full.status_code == 200 and full.mimetype == "image/jpeg"
    stored = Image.open(BytesIO(full.data))
    assert stored.format == "JPEG" and 1900 <= max(stored.size) <= 2048  # about PHOTO_MAX_SIDE
    exif = stored.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.Base.Make not in exif
    assert b"Apple" not in full.data
    thumb = Image.open(BytesIO(api(world.member1).get(body["thumbnail_url"]).data))
    assert max(thumb.size) == 320
    assert count(Photo) == 1 and count(StoredBlob) == 2


@pytest.mark.parametrize("fmt,mode", [("PNG", "RGBA"), ("WEBP", "RGB"), ("HEIF", "RGB")])
def test_png_webp_and_iphone_heic_are_accepted_as_jpeg(world, api, record, fmt, mode):
    res = upload(api(world.member1), f"/service-records/{record.id}/photos", picture(fmt, mode=mode),
                 filename=f"IMG_0001.{fmt.lower()}")
    assert res.status_code == 201, res.json
    data = api(world.member1).get(res.json["url"]).data
    image = Image.open(BytesIO(data))
    assert image.format == "JPEG" and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)


@pytest.mark.parametrize("name", ["renamed_exe", "svg", "corrupt_jpeg", "bomb", "empty"])
def test_bad_files_are_refused_naming_file_and_nothing_is_stored(world, api, record, name):
    data, filename = bad_file(name)
    res = upload(api(world.member1), f"/service-records/{record.id}/photos", data, filename)
    assert res.status_code == 422, res.json
    assert "file" in res.json["errors"]
    assert stored_nothing()


def test_no_file_is_422_naming_file(world, api, record):
    res = api(world.member1).open("POST", f"/service-records/{record.id}/photos", data={},
                                  content_type="multipart/form-data")
    assert res.status_code == 422 and "file" in res.json["errors"]


def test_a_photo_over_the_default_body_limit_is_accepted(world, api, record, app):
    """Phones take photos of 5-10 MB: the photo endpoints allow PHOTO_REQUEST_MAX_BYTES."""
    big = picture() + b"\x00" * (6 * 1024 * 1024)  # trailing bytes: dropped by re-encoding
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    res = upload(api(world.member1), f"/service-records/{record.id}/photos", big)
    assert res.status_code == 201, res.json
    assert Photo.query.one().size < 1024 * 1024


def test_a_30_mb_photo_is_413_and_nothing_is_stored(world, api, record):
    huge = picture() + b"\x00" * (30 * 1024 * 1024)
    res = upload(api(world.member1), f"/service-records/{record.id}/photos", huge)
    assert res.status_code == 413
    assert stored_nothing()


def test_a_file_over_the_per_file_limit_is_413(world, api, record, settings):
    settings(PHOTO_MAX_BYTES=50 * 1024)
    res = upload(api(world.member1), f"/service-records/{record.id}/photos",
                 picture() + b"\x00" * (60 * 1024))
    assert res.status_code == 413 and "file" in res.json["errors"]
    assert stored_nothing()


def test_the_tenth_photo_is_409(world, api, record):
    client = api(world.member1)
    for _ in range(9):
        res = upload(client, f"/service-records/{record.id}/photos", picture(size=(64, 48)))
        assert res.status_code == 201
    res = upload(client, f"/service-records/{record.id}/photos", picture(size=(64, 48)))
    assert res.status_code == 409
    assert count(Photo) == 9 and count(StoredBlob) == 18


@pytest.mark.parametrize("who,status", [
    ("member1", 200), ("staff1", 200), ("street_admin", 200), ("admin", 200),
    ("staff2", 404), ("staff3", 404), ("member2", 404), ("member3", 404), ("resident1", 404),
    ("unit_admin1", 404)])
def test_only_who_may_see_the_record_fetches_its_photo(world, api, record, who, status):
    body = upload(api(world.member1), f"/service-records/{record.id}/photos", picture()).json
    client = api(getattr(world, who))
    assert client.get(body["url"]).status_code == status
    assert client.get(body["thumbnail_url"]).status_code == status


def test_unknown_tokens_and_anonymous_callers_get_nothing(world, api, client, record):
    body = upload(api(world.member1), f"/service-records/{record.id}/photos", picture()).json
    assert api(world.member1).get("/photos/" + "x" * 32).status_code == 404
    assert api(world.member1).get("/photos/" + "x" * 500).status_code == 404
    assert api().get(body["url"]).status_code == 401
    assert client.get(f"/photos/{body['id']}").status_code == 302  # the page route: sign in first


@pytest.mark.parametrize("who,status", [("member2", 404), ("staff1", 403), ("resident1", 403)])
def test_only_the_author_adds_photos_to_a_record(world, api, record, who, status):
    res = upload(api(getattr(world, who)), f"/service-records/{record.id}/photos", picture())
    assert res.status_code == status
    assert stored_nothing()


def test_a_decided_record_takes_no_more_photos(world, api, record):
    verify_record(world.staff1, record.id, True)
    settle()
    res = upload(api(world.member1), f"/service-records/{record.id}/photos", picture())
    assert res.status_code == 409 and stored_nothing()


def test_order_photos_by_a_claimer_are_seen_by_the_resident_before_rating(world, api, make_order):
    order = make_order("completed")
    res = upload(api(world.member1), f"/orders/{order.id}/photos", picture(), stage="before")
    assert res.status_code == 201 and res.json["stage"] == "before"
    assert upload(api(world.member1), f"/orders/{order.id}/photos", picture()).json["stage"] == "after"
    for who, status in (("resident1", 200), ("staff1", 200), ("unit_admin1", 200),
                        ("resident2", 404), ("member3", 404), ("staff3", 404)):
        assert api(getattr(world, who)).get(res.json["url"]).status_code == status, who
    bad = upload(api(world.member1), f"/orders/{order.id}/photos", picture(), stage="during")
    assert bad.status_code == 422 and "stage" in bad.json["errors"]
    assert count(Photo) == 2


@pytest.mark.parametrize("setup,who,status", [
    ("claimed_unit", "member2", 404), ("dispatched_pool", "member2", 403), ("closed", "member1", 409),
    ("claimed_unit", "resident1", 403)])
def test_only_an_active_claimer_adds_order_photos(world, api, make_order, setup, who, status):
    order = make_order(setup)
    res = upload(api(getattr(world, who)), f"/orders/{order.id}/photos", picture())
    assert res.status_code == status
    assert stored_nothing()


def test_suggestion_photos(world, api):
    sug = create_suggestion(world.member1, community_id=world.comm1.id, title="增设路灯", body="小区门口太暗")
    db.session.commit()
    res = upload(api(world.member1), f"/suggestions/{sug.id}/photos", picture())
    assert res.status_code == 201
    assert api(world.staff1).get(res.json["url"]).status_code == 200
    assert api(world.member2).get(res.json["url"]).status_code == 404
