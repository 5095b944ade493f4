"""Checking an uploaded image by its content and re-encoding it. Pillow decides what the
bytes are (never the file name or the declared type): JPEG, PNG, WebP or HEIC (pillow-heif)
only. The picture is decoded within a pixel budget (decompression bombs are refused from the
header, before decoding), turned upright, downscaled and written anew as JPEG: nothing of the
original file survives (EXIF with GPS, comments, trailing bytes)."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

import pillow_heif
from flask_babel import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from app.errors import Invalid

pillow_heif.register_heif_opener()
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
CONTENT_TYPE = "image/jpeg"
# A JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the time: a 4,000 x 3,000 photo
# with PHOTO_MAX_SIDE 2,048 is decoded (and stored) at 2,000 x 1,500 rather than decoded whole.
DRAFT_SLACK = 0.95


@dataclass(frozen=True)
class Processed:
    data: bytes
    thumbnail: bytes
    width: int
    height: int


def _refuse() -> Invalid:
    return Invalid("file", _("文件不是可识别的图片（支持 JPEG、PNG、WebP、HEIC）"))


def _open(data: bytes, max_pixels: int, max_side: int) -> Image.Image:
    """The decoded picture; 422 naming `file` for anything else, a bomb, or a broken file."""
    # WeasyPrint (app/pdf.py) turns this on for the whole process when imported; a truncated
    # upload must fail here instead of being padded with grey. Our PDFs embed no raster images.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(BytesIO(data), formats=FORMATS)
            if probe.width * probe.height > max_pixels:
                raise Invalid("file", _("图片像素过多（上限 %(mp)s 百万像素）", mp=max_pixels // 1_000_000))
            probe.verify()
            image = Image.open(BytesIO(data), formats=FORMATS)
            if image.format == "JPEG":  # decode at a reduced scale near the stored size
                scale = DRAFT_SLACK * max_side / max(image.size)
                image.draft("RGB", (int(image.width * scale), int(image.height * scale)))
            image.load()
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse() from None
    return image


def _jpeg(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = BytesIO()
    copy.save(out, "JPEG", quality=85)  # no exif=, no icc: the metadata is gone
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def process(data: bytes, *, max_pixels: int, max_side: int, thumbnail_side: int) -> Processed:
    """The checked picture re-encoded as JPEG at most `max_side` wide or high, and its
    thumbnail. Raises Invalid('file') for anything that is not such a picture."""
    image = _open(data, max_pixels, max_side)
    try:
        image = _flatten(ImageOps.exif_transpose(image))
    except (OSError, ValueError, SyntaxError):
        raise _refuse() from None
    full = _jpeg(image, max_side)
    with Image.open(BytesIO(full)) as stored:
        width, height = stored.size
    return Processed(full, _jpeg(image, thumbnail_side), width, height)
