"""What the credits view tests share: records made through the ORM and files made in memory."""

import io
import struct
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from credits.models import Declaration, Evidence, Exemption, Requirement, ReviewStatus
from credits.rules import CATEGORIES, compute

THIS_YEAR = timezone.localdate().year

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def image_bytes(kind: str = "PNG", size=(400, 300), color=(183, 28, 28)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def requirement_rows() -> None:
    """The province's rows of REQUIREMENTS.md."""
    Requirement.objects.create(
        year_from=2013, year_to=2017, total_min=90, public_min=24, professional_min=66
    )
    Requirement.objects.create(year_from=2018, total_min=90, public_min=30, professional_min=60)


def declaration(person, category="conference_national", params=None, **fields) -> Declaration:
    """A declaration of ``person`` as the services would leave it (a draft unless told)."""
    params = {"days": 2, "presented_paper": False} if params is None else params
    computation = compute(category, params)
    values = {
        "year": THIS_YEAR,
        "status": ReviewStatus.DRAFT,
        "title": f"{CATEGORIES[category].label}（测试）",
        "claimed_hours": computation.hours,
        "computed_hours": computation.hours if computation.basis == "computed" else None,
        "basis": computation.basis,
    }
    values.update(fields)
    if values["status"] != ReviewStatus.DRAFT:
        values.setdefault("submitted_at", timezone.now())  # as the submit transition sets it
    return Declaration.objects.create(
        person=person,
        unit=person.unit,
        org_path=person.org_path,
        subject=CATEGORIES[category].subject,
        category=category,
        params=params,
        created_by=person.user,
        **values,
    )


def bulk_declarations(
    people, count: int, *, status: str, category: str = "practice", hours=lambda index: 2, **fields
) -> list[int]:
    """``count`` declared-hours rows (public_course or practice) of ``people`` in turn, in one
    bulk INSERT as a large batch needs; their ids in order. ``hours(index)`` is each row's."""
    titles = {"practice": "基层服务", "public_course": "课程"}
    if status != ReviewStatus.DRAFT:
        fields.setdefault("submitted_at", timezone.now())
    rows = []
    for index in range(count):
        person = people[index % len(people)]
        value = Decimal(hours(index))
        rows.append(
            Declaration(
                person=person,
                unit=person.unit,
                org_path=person.org_path,
                year=THIS_YEAR,
                status=status,
                subject=CATEGORIES[category].subject,
                category=category,
                params={"hours": str(value)},
                title=f"{titles[category]} {index}",
                claimed_hours=value,
                basis="declared",
                created_by=person.user,
                **fields,
            )
        )
    Declaration.objects.bulk_create(rows, batch_size=2000)
    return list(
        Declaration.objects.filter(status=status, category=category)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def filed(person, category: str, hours, **fields) -> Declaration:
    """A filed declaration of ``hours`` declared hours (public_course or practice)."""
    fields.setdefault("status", ReviewStatus.FILED)
    return declaration(person, category, {"hours": hours}, **fields)


def exemption(person, *, months=6, status=ReviewStatus.DRAFT, year=THIS_YEAR) -> Exemption:
    return Exemption.objects.create(
        person=person,
        unit=person.unit,
        org_path=person.org_path,
        year=year,
        status=status,
        submitted_at=None if status == ReviewStatus.DRAFT else timezone.now(),
        reason=Exemption.Reason.MATERNITY,
        on_duty_months=months,
        created_by=person.user,
    )


def evidence(record, *, content: bytes = PDF, name: str = "证明.pdf") -> Evidence:
    """A stored file on a record, as the upload service stores one: an image with the thumbnail
    its task makes once the upload commits."""
    from credits.services.records import evidence_attach

    with TestCase.captureOnCommitCallbacks(execute=True):
        item = evidence_attach(
            actor=record.person.user, record=record, upload=upload(name, content)
        )
    item.refresh_from_db()
    return item


def huge_png(width: int, height: int) -> bytes:
    """A valid 1-bit black PNG of any size in a few KB, written without Pillow (which would
    hold every pixel): 13,000 x 13,000 takes about 20 KB."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte "none", then the packed pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return png_chunks(header, data)


def png_chunks(header: bytes, data: bytes) -> bytes:
    """A PNG of an IHDR ``header`` and one IDAT of ``data``, checksums included."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + checksum

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def hours(value) -> Decimal:
    return Decimal(str(value))
