"""Evidence files of every app (declarations, exemptions, title changes, ...): PDF, JPEG or PNG
only, recognised by their content, not their name; images within a pixel budget, and their
thumbnails."""

import hashlib
import io
import struct
import threading
import warnings
from contextlib import contextmanager
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import (
    Image,
    ImageFile,
    ImageOps,
    JpegImagePlugin,
    PngImagePlugin,
    UnidentifiedImageError,
)

SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# Pillow's format classes read the header (size, mode) and stop before the pixel data.
HEADER_READERS = {
    "image/jpeg": JpegImagePlugin.JpegImageFile,
    "image/png": PngImagePlugin.PngImageFile,
}
THUMBNAIL_SIZE = (240, 240)
THUMBNAIL_TYPES = tuple(PILLOW_FORMATS)


def pillow_limit_apply() -> None:
    """Makes UPLOAD_MAX_PIXELS Pillow's own limit for the whole process (called once, at app
    start). Pillow warns above MAX_IMAGE_PIXELS and refuses only above twice that; the warning
    is made an error, so no image over the budget is decoded anywhere, whoever opens it."""
    Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def image_pixels_check(stream: BinaryIO, *, name: str) -> None:
    """Refuses a JPEG or PNG whose header declares more than UPLOAD_MAX_PIXELS, before anything
    decodes it. A header that cannot be read passes: the decoding check that follows refuses
    the file as damaged. Leaves ``stream`` at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    content_type = next((entry[1] for entry in SIGNATURES if head.startswith(entry[0])), None)
    reader = HEADER_READERS.get(content_type)
    if reader is None:
        return
    try:
        # Not Image.open: its own bomb check would refuse before the size can be named.
        with reader(stream) as header:
            width, height = header.size
    except (SyntaxError, OSError, ValueError, IndexError, TypeError, EOFError, struct.error):
        return
    finally:
        stream.seek(0)
    limit = settings.UPLOAD_MAX_PIXELS
    if width * height > limit:
        raise ValidationError(
            "图片“%(name)s”为 %(width)s × %(height)s 像素（共 %(pixels)s 像素），超过 %(limit)s "
            "像素的上限，请缩小尺寸后再上传。",
            params={
                "name": name,
                "width": width,
                "height": height,
                "pixels": f"{width * height:,}",
                "limit": f"{limit:,}",
            },
            code="pixels",
        )


def upload_limit_mb() -> int:
    """UPLOAD_MAX_BYTES in whole megabytes, for the forms' help texts."""
    return max(1, settings.UPLOAD_MAX_BYTES // (1024 * 1024))


def upload_read(upload) -> tuple[bytes, str, str, str]:
    """Checks an uploaded file; returns (content, content type, extension, sha256).

    Raises ValidationError with a Chinese message for anything else: nothing is stored then.
    """
    limit = settings.UPLOAD_MAX_BYTES
    too_large = ValidationError(
        "文件“%(name)s”超过 %(limit)s，请压缩后再上传。",
        params={"name": upload.name, "limit": size_text(limit)},
        code="too_large",
    )
    if (upload.size or 0) > limit:
        raise too_large
    upload.seek(0)
    content = upload.read(limit + 1)  # the declared size may lie; never read more than allowed
    if len(content) > limit:
        raise too_large
    if not content:
        raise ValidationError("文件“%(name)s”是空文件。", params={"name": upload.name})
    match = next((entry for entry in SIGNATURES if content.startswith(entry[0])), None)
    if match is None:
        raise ValidationError(
            "文件“%(name)s”不是 PDF、JPEG 或 PNG 文件（按文件内容判断，与扩展名无关）。",
            params={"name": upload.name},
            code="type",
        )
    _, content_type, extension = match
    if content_type in PILLOW_FORMATS:
        _image_check(content, content_type, upload.name)
    elif b"%%EOF" not in content[-2048:]:
        raise ValidationError(
            "文件“%(name)s”不是完整的 PDF 文件，可能已损坏。", params={"name": upload.name}
        )
    return content, content_type, extension, hashlib.sha256(content).hexdigest()


def size_text(size: int) -> str:
    """10485760 -> "10 MB", 1572864 -> "1.5 MB", 204800 -> "200 KB"."""
    megabytes = Decimal(size) / (1024 * 1024)
    if megabytes >= 1:
        return f"{format(megabytes.quantize(Decimal('0.1')).normalize(), 'f')} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} 字节"


_TRUNCATION_SWITCH = threading.Lock()


@contextmanager
def _truncated_images_refused():
    """Decoding with Pillow's ``LOAD_TRUNCATED_IMAGES`` off. WeasyPrint turns that process-wide
    switch on when it is imported (certificates, /healthz), after which a half-uploaded JPEG
    decodes silently, padded with grey. Our own check needs it off; the certificates' images
    are our own and never truncated."""
    with _TRUNCATION_SWITCH:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _image_check(content: bytes, content_type: str, name: str) -> None:
    image_pixels_check(io.BytesIO(content), name=name)
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != PILLOW_FORMATS[content_type]:
                raise ValueError(image.format)
            image.verify()
        with Image.open(io.BytesIO(content)) as image, _truncated_images_refused():
            # verify() misses truncated pixel data; decoding finds it. A JPEG decodes at its
            # smallest DCT scale: every byte is still read, in a 64th of the memory.
            image.draft(image.mode, (1, 1))
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise ValidationError(
            "图片“%(name)s”已损坏或无法识别，请重新拍照或扫描后上传。", params={"name": name}
        ) from None


def thumbnail_jpeg(stream: BinaryIO, *, name: str) -> bytes:
    """A JPEG of at most THUMBNAIL_SIZE of a stored evidence image, upright and on white.

    Memory stays bounded: the pixel budget is checked from the header first (images stored
    before the budget existed are refused here), a JPEG decodes straight at a reduced DCT scale
    (thumbnail() drafts it), and a PNG decodes within the budget and is shrunk with reduce().
    """
    image_pixels_check(stream, name=name)
    with Image.open(stream) as image:
        image.thumbnail(THUMBNAIL_SIZE)
        # After the shrink, so that turning the picture upright copies a small image.
        thumbnail = _on_white(ImageOps.exif_transpose(image))
    buffer = io.BytesIO()
    thumbnail.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: a transparent PNG is laid on white, not on black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
