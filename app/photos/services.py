"""Adding photos to a record and handing them out. Services flush; the request commits."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app.auth.models import User
from app.clock import utcnow
from app.errors import Conflict, Invalid, NotFound, TooLarge
from app.extensions import db
from app.photos import images
from app.photos.models import OwnerType, Photo, Stage
from app.photos.owners import require_uploader, visible_owner
from app.photos.storage import storage

MAX_PHOTOS = 9
FULL, THUMBNAIL = "full", "thumbnail"


def read_upload(upload: FileStorage | None) -> bytes:
    """The bytes of one uploaded file: 422 naming `file` if none, 413 over PHOTO_MAX_BYTES."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if upload is None or not upload.filename:
        raise Invalid("file", _("请选择图片文件"))
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge("file", _("图片超过 %(mb)s MB 的上限", mb=limit // (1024 * 1024)))
    if not data:
        raise Invalid("file", _("文件是空的"))
    return data


def add_photo(uploader: User, owner_type: str, owner_id: int, data: bytes, *,
              stage: str | None = None, now: datetime | None = None) -> Photo:
    """Checks, cleans and stores one picture on a record the uploader may add to: at most
    MAX_PHOTOS a record (the next is a 409)."""
    owner = require_uploader(uploader, owner_type, owner_id)
    if owner_type == OwnerType.ORDER:
        stage = stage or Stage.AFTER
        if stage not in tuple(Stage):
            raise Invalid("stage", _("照片阶段只能是 before 或 after"))
    else:
        stage = None
    taken = db.session.scalar(sa.select(sa.func.count()).select_from(Photo).where(
        Photo.owner_type == owner_type, Photo.owner_id == owner.id)) or 0
    if taken >= MAX_PHOTOS:
        raise Conflict(_("每条记录最多 %(n)s 张照片", n=MAX_PHOTOS))
    config = current_app.config
    picture = images.process(data, max_pixels=config["PHOTO_MAX_PIXELS"],
                             max_side=config["PHOTO_MAX_SIDE"],
                             thumbnail_side=config["PHOTO_THUMBNAIL_SIDE"])
    photo = Photo(token=secrets.token_urlsafe(24), owner_type=owner_type, owner_id=owner.id,
                  position=taken + 1, stage=stage, uploaded_by_id=uploader.id,
                  content_type=images.CONTENT_TYPE, width=picture.width, height=picture.height,
                  size=len(picture.data), thumbnail_size=len(picture.thumbnail),
                  created_at=now or utcnow())
    db.session.add(photo)
    db.session.flush()  # a concurrent upload taking the same position: IntegrityError, a 409
    store = storage()
    store.put(photo.key(FULL), picture.data, photo.content_type)
    store.put(photo.key(THUMBNAIL), picture.thumbnail, photo.content_type)
    return photo


def add_uploads(uploader: User, owner_type: str, owner_id: int, uploads: list[FileStorage],
                stage: str | None = None) -> list[Photo]:
    """Several files of a form at once (empty file inputs are skipped)."""
    return [add_photo(uploader, owner_type, owner_id, read_upload(u), stage=stage)
            for u in uploads if u is not None and u.filename]


def visible_photo(viewer: User, token: str) -> Photo:
    """The photo if the viewer may see its record; 404 for anything else."""
    photo = db.session.scalar(sa.select(Photo).where(Photo.token == token)) if len(token) <= 64 else None
    if photo is None:
        raise NotFound(_("照片不存在"))
    visible_owner(viewer, photo.owner_type, photo.owner_id)
    return photo


def photo_bytes(viewer: User, token: str, variant: str = FULL) -> tuple[Photo, bytes]:
    photo = visible_photo(viewer, token)
    data = storage().get(photo.key(variant))
    if data is None:
        raise NotFound(_("照片不存在"))
    return photo, data


def photos_of(owner_type: str, owner_ids: list[int]) -> dict[int, list[Photo]]:
    """The photos of several records of one type, in upload order (one query). The caller has
    checked that the viewer may see these records."""
    result: dict[int, list[Photo]] = {i: [] for i in owner_ids}
    if owner_ids:
        for photo in db.session.scalars(sa.select(Photo).where(
                Photo.owner_type == owner_type, Photo.owner_id.in_(owner_ids))
                .order_by(Photo.owner_id, Photo.position)):
            result[photo.owner_id].append(photo)
    return result
