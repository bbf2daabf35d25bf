"""What the bulletin tests share: notices published through the services by an office's
admin, files in a temporary media root, and a person of a unit."""

import datetime

import pytest
from django.utils import timezone

from bulletin.models import Notice
from bulletin.services import notice_create, notice_publish
from tests.factories import make_person

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def notice(
    tree,
    office: str = "pds",
    *,
    title: str = "关于开展年度学时审核的通知",
    body: str = "请各单位按时审核。",
    public: bool = False,
    publish: bool = True,
    category: str = Notice.Category.NOTICE,
    publish_at: datetime.datetime | None = None,
    expires_at: datetime.datetime | None = None,
) -> Notice:
    """A notice of ``office`` (a name of the shared tree), published by default."""
    admin = tree.admins[office]
    made = notice_create(
        actor=admin,
        office_id=getattr(tree, office).pk,
        category=category,
        title=title,
        body=body,
        is_public=public,
        expires_at=None if publish_at else expires_at,
    )
    if publish:
        made = notice_publish(actor=admin, notice_id=made.pk)
    if publish_at is not None:
        # A time in the past cannot be published as such (publishing makes it now), nor an
        # expiry already past: the rows are set as a notice of long ago would be.
        Notice.objects.filter(pk=made.pk).update(publish_at=publish_at, expires_at=expires_at)
        made.refresh_from_db()
    return made


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def people(tree):
    """An approved professional in a 平顶山 hospital, one in 新华区 and one in 漯河."""
    return {
        "pds": make_person(tree.hospital1),
        "xinhua": make_person(tree.xinhua_unit),
        "lh": make_person(tree.lh_hospital),
    }
