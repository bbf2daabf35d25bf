"""What the plans tests share: plans and conversion documents made through the services, and
files made in memory."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from plans.models import FilingStatus
from plans.services import (
    ItemRow,
    conversion_rule_file,
    conversion_rule_return,
    conversion_rule_submit,
    plan_file,
    plan_return,
    plan_save,
    plan_submit,
)

THIS_YEAR = timezone.localdate().year

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded documents are written under a per-test directory."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (29, 79, 145)).save(buffer, kind)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def item_fields(year: int = THIS_YEAR, **changes) -> dict:
    fields = {
        "title": "院内感染防控培训",
        "form": "classroom",
        "starts_on": datetime.date(year, 4, 10),
        "ends_on": datetime.date(year, 4, 11),
        "hours": Decimal("12"),
        "participants": 300,
        "organiser": "医院感染管理科",
    }
    fields.update(changes)
    return fields


def make_plan(tree, name: str = "hospital1", *, year: int = THIS_YEAR, status=None, items=1):
    """A plan of ``tree``'s org ``name`` with ``items`` projects, taken to ``status`` (a draft
    unless told) by its admin and its office's admin."""
    org = getattr(tree, name)
    rows = [ItemRow(None, item_fields(year, title=f"培训项目{n}")) for n in range(1, items + 1)]
    plan = plan_save(actor=tree.admins[name], org_id=org.pk, year=year, rows=rows)
    if status in (FilingStatus.SUBMITTED, FilingStatus.FILED, FilingStatus.RETURNED):
        plan = plan_submit(actor=tree.admins[name], plan_id=plan.pk)
        office = office_admin(tree, plan.filing_office_id)
        if status == FilingStatus.FILED:
            plan = plan_file(actor=office, plan_id=plan.pk)
        elif status == FilingStatus.RETURNED:
            plan = plan_return(actor=office, plan_id=plan.pk, reason="项目学时填写有误")
    return plan


def office_admin(tree, office_id: int):
    return next(user for name, user in tree.admins.items() if getattr(tree, name).pk == office_id)


def make_rule(tree, name: str = "health", *, status=FilingStatus.SUBMITTED, title="学时折算办法"):
    rule = conversion_rule_submit(
        actor=tree.admins[name],
        org_id=getattr(tree, name).pk,
        title=title,
        summary="参加省级以上学术会议按本办法折算专业科目学时。",
        upload=upload("折算办法.pdf", PDF),
    )
    office = office_admin(tree, rule.filing_office_id)
    if status == FilingStatus.FILED:
        rule = conversion_rule_file(actor=office, rule_id=rule.pk)
    elif status == FilingStatus.RETURNED:
        rule = conversion_rule_return(actor=office, rule_id=rule.pk, reason="文件未盖章")
    return rule
