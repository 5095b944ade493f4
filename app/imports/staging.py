"""A previewed file kept until its importer confirms it (the page's two steps), in the
instance folder, under a random token bound to the importer; read once, then deleted."""
from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 3600


def _folder() -> Path:
    folder = Path(current_app.config["INSTANCE_DIR"]) / "import-staging"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(user_id: int, data: bytes, file_name: str) -> str:
    _sweep()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    (folder / f"{user_id}-{token}.bin").write_bytes(data)
    (folder / f"{user_id}-{token}.json").write_text(json.dumps({"file_name": file_name}))
    return token


def take(user_id: int, token: str) -> tuple[bytes, str] | None:
    """The staged file of this user and token (None when unknown or expired), deleted."""
    folder = _folder()
    data_path, meta_path = folder / f"{user_id}-{token}.bin", folder / f"{user_id}-{token}.json"
    if not data_path.is_file() or not meta_path.is_file():
        return None
    try:
        data, meta = data_path.read_bytes(), json.loads(meta_path.read_text())
    finally:
        data_path.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
    return data, meta["file_name"]


def _sweep() -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in _folder().iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
