"""Certificates rendered by a real Celery worker over Redis (CI's PostgreSQL run only)."""

import hashlib
import time

import pytest

from certificates.models import CertificateIssue
from certificates.services import certificate_request
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_rendered(issue: CertificateIssue, *, seconds: float = 90) -> CertificateIssue:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        issue.refresh_from_db()
        if issue.render_status != CertificateIssue.Render.PENDING:
            return issue
        time.sleep(0.1)
    pytest.fail(f"certificate {issue.pk} was not rendered in {seconds} s")


def test_the_worker_renders_a_merged_certificate(tree):
    approved_seal(tree, tree.pds)
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2019, 2020, 2021])

    issue, created = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2021
    )

    # Enqueued on commit to the broker, not rendered inline by the request.
    assert created
    issue.refresh_from_db()
    assert issue.render_status == CertificateIssue.Render.PENDING
    issue = wait_rendered(issue)
    assert issue.render_status == CertificateIssue.Render.READY, issue.render_error
    content = issue.pdf.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == issue.sha256
    assert issue.preview.read().startswith(b"\x89PNG")
