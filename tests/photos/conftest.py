"""Photo fixtures: the orders world (make_order), pictures of every kind and bad files, and a
pending service record of member1 in comm1."""
from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from io import BytesIO

import pytest
from PIL import ExifTags, Image

from app.extensions import db
from app.service.services import create_record
from tests.orders.conftest import make_order, world  # noqa: F401  (fixtures)


def picture(fmt: str = "JPEG", size=(800, 600), gps: bool = True, mode: str = "RGB") -> bytes:
    """A picture in `fmt` with camera EXIF and (by default) a GPS position."""
    image = Image.new(mode, size, "red" if mode == "RGB" else (255, 0, 0, 128))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update({
            ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (23.0, 7.0, 30.0),
            ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (113.0, 15.0, 0.0)})
    out = BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def png_bomb(side: int = 30000) -> bytes:
    """A tiny PNG that claims side x side pixels (900 million): zeros compress to nothing."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + b"\x00" * (side // 8)
    raw = zlib.compress(row * 64, 9)  # a few rows only: the header is what counts
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


BAD_FILES = {
    "renamed_exe": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4000, "photo.jpg"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<script>alert(1)</script></svg>', "photo.svg"),
    "corrupt_jpeg": (None, "broken.jpg"),  # the first half of a real JPEG
    "bomb": (None, "bomb.png"),
    "empty": (b"", "empty.jpg"),
}


def bad_file(name: str) -> tuple[bytes, str]:
    data, filename = BAD_FILES[name]
    if name == "corrupt_jpeg":
        noise = Image.effect_noise((1200, 900), 80).convert("RGB")  # compresses badly: long scan data
        out = BytesIO()
        noise.save(out, "JPEG")
        data = out.getvalue()[:len(out.getvalue()) // 2]
    elif name == "bomb":
        data = png_bomb()
    return data, filename


def upload(client, path: str, data: bytes, filename: str = "photo.jpg", **form):
    """POSTs `data` as the multipart `file` through an ApiClient (or a page client)."""
    return client.open(path=path, method="POST", data={"file": (BytesIO(data), filename), **form},
                       content_type="multipart/form-data")


@pytest.fixture
def record(world, now):  # noqa: F811
    rec = create_record(world.member1, community_id=world.comm1.id, category="守护平安",
                        started_at=now - timedelta(days=1), hours=3, description="网格巡逻")
    db.session.commit()
    return rec
