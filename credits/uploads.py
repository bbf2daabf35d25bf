"""Evidence files: PDF, JPEG or PNG only, recognised by their content, not their name."""

import hashlib
import io
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def upload_read(upload) -> tuple[bytes, str, str, str]:
    """Checks an uploaded file; returns (content, content type, extension, sha256).

    Raises ValidationError with a Chinese message for anything else: nothing is stored then.
    """
    limit = settings.UPLOAD_MAX_BYTES
    too_large = ValidationError(
        "文件“%(name)s”超过 %(limit)s，请压缩后再上传。",
        params={"name": upload.name, "limit": _size_text(limit)},
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


def _size_text(size: int) -> str:
    """10485760 -> "10 MB", 1572864 -> "1.5 MB", 204800 -> "200 KB"."""
    megabytes = Decimal(size) / (1024 * 1024)
    if megabytes >= 1:
        return f"{format(megabytes.quantize(Decimal('0.1')).normalize(), 'f')} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} 字节"


def _image_check(content: bytes, content_type: str, name: str) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != PILLOW_FORMATS[content_type]:
                raise ValueError(image.format)
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # verify() misses truncated pixel data; decoding finds it
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            "图片“%(name)s”已损坏或无法识别，请重新拍照或扫描后上传。", params={"name": name}
        ) from None
