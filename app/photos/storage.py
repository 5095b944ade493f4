"""Where photo bytes live: one interface, two stores. `PHOTO_STORAGE=database` (the default)
keeps them in the `stored_blob` table, in the request's transaction (a failed upload leaves
nothing, backups hold them, app hosts share nothing but the database). `PHOTO_STORAGE=s3`
puts them in an S3-compatible bucket (boto3; `S3_*` settings); an upload whose transaction
then fails leaves an object nobody can name (random keys), which a bucket lifecycle rule may
sweep."""
from __future__ import annotations

from typing import Protocol

from flask import current_app

from app.extensions import db
from app.photos.models import StoredBlob


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes | None: ...


class DatabaseStorage:
    def put(self, key: str, data: bytes, content_type: str) -> None:
        db.session.add(StoredBlob(key=key, data=data, content_type=content_type))
        db.session.flush()

    def get(self, key: str) -> bytes | None:
        blob = db.session.get(StoredBlob, key)
        return blob.data if blob is not None else None


class S3Storage:
    def __init__(self, config):
        import boto3

        self.bucket = config["S3_BUCKET"]
        self.client = boto3.client(
            "s3", endpoint_url=config["S3_ENDPOINT_URL"] or None,
            region_name=config["S3_REGION"] or None,
            aws_access_key_id=config["S3_ACCESS_KEY_ID"] or None,
            aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"] or None)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None


def storage() -> Storage:
    """The store of the app's settings (one S3 client per app)."""
    if current_app.config["PHOTO_STORAGE"] != "s3":
        return DatabaseStorage()
    store = current_app.extensions.get("photo_storage")
    if store is None:
        store = current_app.extensions["photo_storage"] = S3Storage(current_app.config)
    return store
