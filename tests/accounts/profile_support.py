"""What the profile-change tests share (tests/accounts/test_profile_*.py): evidence files, a
person with a phone, the signals of accounts caught, and requests made through the services."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.services import identity_correction_request, title_change_request
from accounts.signals import person_history_changed, person_identity_changed
from tests.factories import make_person

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
LAST_YEAR = timezone.localdate().year - 1


def pdf(name: str = "职称证书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name: str = "证书照片.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (20, 90, 160)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake(name: str = "证书.pdf") -> SimpleUploadedFile:
    """A file named like a PDF that is not one."""
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")


def ask_title(person, *, level="associate_senior", year=LAST_YEAR, evidence=None, reason=""):
    return title_change_request(
        person=person,
        title_level=level,
        effective_year=year,
        evidence=evidence if evidence is not None else pdf(),
        reason=reason,
    )


def ask_correction(person, *, name="", id_number="", reason="注册时录入错误", evidence=None):
    return identity_correction_request(
        person=person, name=name, id_number=id_number, reason=reason, evidence=evidence
    )


# Registered under their plain names; a test module imports the *_fixture functions (so that its
# parameters named ``person`` do not shadow an import).


@pytest.fixture(name="media")
def media_fixture(settings, tmp_path):
    """Evidence files under a per-test directory."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(name="person")
def person_fixture(tree, media):
    """An approved intermediate-level professional of hospital1 with a phone on file."""
    person = make_person(tree.hospital1, cert_no="4104000000031")
    person.user.phone = "13812345678"
    person.user.save(update_fields=["phone"])
    return person


@pytest.fixture(name="sent")
def sent_fixture():
    """The (signal name, kwargs) of accounts' profile signals sent during the test."""
    received = []

    def history(sender, **kwargs):
        received.append(("history", sender, kwargs["person_id"], kwargs["year_from"]))

    def identity(sender, **kwargs):
        received.append(("identity", sender, kwargs["person_id"]))

    person_history_changed.connect(history, dispatch_uid="tests.profile.history")
    person_identity_changed.connect(identity, dispatch_uid="tests.profile.identity")
    yield received
    person_history_changed.disconnect(dispatch_uid="tests.profile.history")
    person_identity_changed.disconnect(dispatch_uid="tests.profile.identity")
