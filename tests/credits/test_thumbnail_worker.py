"""Thumbnails made by a real Celery worker over Redis (started by .ci/run; skipped elsewhere)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credits.models import Evidence
from credits.services import declaration_evidence_add
from tests.factories import make_person

from .views_support import declaration, image_bytes

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_makes_and_stores_the_thumbnail_after_the_upload(tree):
    person = make_person(tree.hospital1)
    draft = declaration(person)
    evidence = declaration_evidence_add(
        actor=person.user,
        declaration_id=draft.pk,
        upload=SimpleUploadedFile("会议通知.png", image_bytes("PNG", size=(600, 400))),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        evidence = Evidence.objects.get(pk=evidence.pk)
        if evidence.thumbnail or evidence.thumbnail_error:
            break
        time.sleep(0.05)
    assert evidence.thumbnail_error == ""
    assert evidence.thumbnail, "the worker made no thumbnail in 60 s"
    with evidence.thumbnail.open("rb") as handle, Image.open(handle) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (240, 160))
