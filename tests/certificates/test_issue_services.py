"""Certificate issues: request, reuse, render, supersede, revoke, seal fallback."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from certificates.models import CertificateIssue, Seal
from certificates.services import (
    certificate_request,
    issue_revoke,
    seal_apply,
    seal_approve,
    seal_revoke,
)
from credits.signals import person_years_changed
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2019, 2020, 2021])
    return person


def test_request_renders_once_and_reuses(tree, person, django_capture_on_commit_callbacks):
    approved_seal(tree, tree.pds)
    with django_capture_on_commit_callbacks(execute=True):
        issue, created = certificate_request(
            actor=person.user, person_id=person.pk, first_year=2019, last_year=2021
        )
    assert created
    issue.refresh_from_db()
    assert issue.render_status == CertificateIssue.Render.READY
    content = issue.pdf.read()
    assert content.startswith(b"%PDF")
    assert issue.sha256 == hashlib.sha256(content).hexdigest()
    assert issue.preview.read().startswith(b"\x89PNG")
    assert issue.office == tree.pds
    assert [row["total"] for row in issue.snapshot["years"]] == ["90.0", "90.0", "90.0"]
    assert issue.snapshot["id_masked"].count("*") == 11
    again, created = certificate_request(
        actor=tree.admins["hospital1"], person_id=person.pk, first_year=2019, last_year=2021
    )
    assert not created and again.pk == issue.pk
    assert CertificateIssue.objects.count() == 1


def test_later_filing_supersedes(tree, person, django_capture_on_commit_callbacks):
    approved_seal(tree, tree.pds)
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2021
    )
    single, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2021, last_year=2021
    )
    person_years_changed.send(sender=None, pairs=[(person.pk, 2020)])
    issue.refresh_from_db()
    single.refresh_from_db()
    assert issue.status == CertificateIssue.Status.SUPERSEDED
    assert single.status == CertificateIssue.Status.VALID  # 2021 alone did not change
    filed_years(person, [2020], public=6, professional=0)
    fresh, created = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2021
    )
    assert created and fresh.pk != issue.pk
    assert fresh.snapshot["years"][1]["public"] == "36.0"


def test_pending_seal_is_never_stamped(tree, person):
    county_person = make_person(tree.xinhua_unit, cert_no="4104020000001")
    filed_years(county_person, [2020])
    pending = seal_apply(
        actor=tree.admins["pds"],
        office_id=tree.pds.pk,
        text="平顶山市专业技术人员继续教育专用章",
        source=Seal.Source.GENERATED,
    )
    with pytest.raises(ValidationError) as error:
        certificate_request(
            actor=county_person.user, person_id=county_person.pk, first_year=2020, last_year=2020
        )
    assert "尚未启用继续教育专用章" in str(error.value)
    assert not CertificateIssue.objects.exists()
    city = seal_approve(actor=tree.admins["province"], seal_id=pending.pk)
    issue, _ = certificate_request(
        actor=county_person.user, person_id=county_person.pk, first_year=2020, last_year=2020
    )
    assert issue.seal == city and issue.office == tree.pds
    seal_revoke(actor=tree.admins["province"], seal_id=city.pk, reason="印章更换")
    province = approved_seal(tree, tree.province)
    issue2, created = certificate_request(
        actor=county_person.user, person_id=county_person.pk, first_year=2020, last_year=2020
    )
    assert created and issue2.seal == province
    issue.refresh_from_db()
    assert issue.seal == city  # the issued certificate keeps the seal it was stamped with


def test_outsiders_cannot_request_or_revoke(tree, person):
    approved_seal(tree, tree.pds)
    with pytest.raises(Http404):
        certificate_request(
            actor=tree.admins["hospital2"], person_id=person.pk, first_year=2019, last_year=2019
        )
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2019
    )
    with pytest.raises(Http404):
        issue_revoke(actor=tree.admins["lh"], issue_id=issue.pk, reason="x")
    revoked = issue_revoke(actor=tree.admins["pds"], issue_id=issue.pk, reason="材料不实")
    assert revoked.status == CertificateIssue.Status.REVOKED


def test_no_filed_hours_no_certificate(tree):
    approved_seal(tree, tree.pds)
    person = make_person(tree.hospital1, cert_no="4104000000002")
    with pytest.raises(ValidationError) as error:
        certificate_request(actor=person.user, person_id=person.pk, first_year=2020, last_year=2020)
    assert "没有已备案的学时" in str(error.value)


def test_filing_through_the_review_chain_supersedes(
    tree, person, django_capture_on_commit_callbacks
):
    from credits.models import ReviewStatus
    from credits.services import review_batch
    from tests.credits.views_support import filed

    approved_seal(tree, tree.pds)
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = certificate_request(
            actor=person.user, person_id=person.pk, first_year=2019, last_year=2021
        )
    later = filed(
        person, "practice", 12, year=2020, status=ReviewStatus.DEPT_APPROVED, has_department=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        review_batch(actor=tree.admins["pds"], kind="declaration", ids=[later.pk], action="approve")

    later.refresh_from_db()
    issue.refresh_from_db()
    assert later.status == ReviewStatus.FILED
    assert issue.status == CertificateIssue.Status.SUPERSEDED
    assert issue.superseded_at is not None
    assert issue.pdf  # the old PDF stays downloadable
