"""The issuance level (管理办法 第十二条; the 平顶山 notice's "加盖平顶山市专业技术人员继续教育
专用章"): only the province, a 省辖市 or a 省直管县（市） office holds a seal and issues; an
ordinary county's units get their city's seal."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates.models import CertificateIssue, Seal
from certificates.selectors import seal_for_unit
from certificates.services import certificate_request, seal_apply, seal_approve, seal_reject
from orgtree.models import Org
from orgtree.roles import is_issuing_office, issuing_office_q
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_org, make_person
from tests.shared_tree import ruzhou_add

pytestmark = pytest.mark.django_db
PDS_OFFICE = "平顶山市人力资源和社会保障局"


def certificate(unit, cert_no: str) -> CertificateIssue:
    person = make_person(unit, cert_no=cert_no)
    filed_years(person, [2020])
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2020, last_year=2020, enqueue=False
    )
    return issue


def old_county_seal(office, status=Seal.Status.APPROVED) -> Seal:
    """A seal a county office got before the issuance level was enforced."""
    return Seal.objects.create(
        office=office,
        version=1,
        text="平顶山市新华区专业技术人员继续教育专用章",
        source=Seal.Source.GENERATED,
        status=status,
    )


def test_a_xinhua_units_certificate_carries_pingdingshans_seal(tree):
    city = approved_seal(tree, tree.pds)
    old_county_seal(tree.xinhua)  # still in the table: never stamped again
    issue = certificate(tree.xinhua_unit, "4104020000001")
    assert issue.seal == city and issue.office == tree.pds
    assert issue.snapshot["office"] == PDS_OFFICE
    assert issue.snapshot["seal"]["text"] == "平顶山市专业技术人员继续教育专用章"


def test_a_ruzhou_units_certificate_carries_ruzhous_seal(tree):
    ruzhou_add(tree)
    city = approved_seal(tree, tree.pds)
    own = approved_seal(tree, tree.ruzhou)
    assert own.text == "平顶山市汝州市专业技术人员继续教育专用章"
    issue = certificate(tree.ruzhou_unit, "4104820000001")
    assert issue.seal == own and issue.office == tree.ruzhou
    assert seal_for_unit(tree.hospital1) == city and seal_for_unit(tree.xinhua_unit) == city


def test_ruzhou_without_a_seal_falls_back_to_the_province_like_a_city(tree):
    """An issuer without a seal of its own stands on the province's, as a 省辖市 does: never on
    平顶山's, which does not issue for 汝州."""
    ruzhou_add(tree)
    approved_seal(tree, tree.pds)
    assert seal_for_unit(tree.ruzhou_unit) is None
    province = approved_seal(tree, tree.province)
    assert seal_for_unit(tree.ruzhou_unit) == province


def test_a_county_office_cannot_apply_for_a_seal(tree):
    with pytest.raises(ValidationError) as caught:
        seal_apply(
            actor=tree.admins["xinhua"],
            office_id=tree.xinhua.pk,
            text="平顶山市新华区专业技术人员继续教育专用章",
            source=Seal.Source.GENERATED,
        )
    [message] = caught.value.message_dict["office"]
    assert "不单独启用继续教育专用章" in message and f"加盖{PDS_OFFICE}的继续教育专用章" in message
    assert not Seal.objects.exists()


def test_the_county_seal_pages_explain_and_offer_nothing_to_apply(client, tree):
    client.force_login(tree.admins["xinhua"])
    page = client.get(reverse("certificates:seals")).content.decode()
    assert 'data-testid="seal-not-issuing"' in page and f"加盖{PDS_OFFICE}" in page
    assert reverse("certificates:seal-apply") not in page
    response = client.get(reverse("certificates:seal-apply"))
    assert response.status_code == 200 and response.context["form"] is None
    assert f"加盖{PDS_OFFICE}" in response.content.decode()
    response = client.post(
        reverse("certificates:seal-apply"),
        {
            "office": tree.xinhua.pk,
            "text": "新华区专业技术人员继续教育专用章",
            "source": "generated",
        },
    )
    assert response.status_code == 200 and 'data-testid="seal-not-issuing"' in (
        response.content.decode()
    )
    assert not Seal.objects.exists()


def test_the_ruzhou_office_applies_like_a_city(client, tree):
    ruzhou_add(tree)
    client.force_login(tree.admins["ruzhou"])
    response = client.get(reverse("certificates:seal-apply"))
    assert response.context["form"]["text"].value() == "平顶山市汝州市专业技术人员继续教育专用章"
    page = client.get(reverse("certificates:seals")).content.decode()
    assert "申请启用印章" in page and 'data-testid="seal-not-issuing"' not in page


def test_the_province_can_only_reject_an_old_county_application(client, tree):
    legacy = old_county_seal(tree.xinhua, status=Seal.Status.PENDING)
    province = tree.admins["province"]
    with pytest.raises(ValidationError, match="不能批准"):
        seal_approve(actor=province, seal_id=legacy.pk)
    legacy.refresh_from_db()
    assert legacy.status == Seal.Status.PENDING
    client.force_login(province)
    page = client.get(reverse("certificates:seal-detail", args=[legacy.pk])).content.decode()
    assert reverse("certificates:seal-approve", args=[legacy.pk]) not in page
    assert 'data-testid="seal-not-issuing"' in page
    assert reverse("certificates:seal-reject", args=[legacy.pk]) in page
    seal_reject(actor=province, seal_id=legacy.pk, reason="县级人社部门不单独启用专用章")
    legacy.refresh_from_db()
    assert legacy.status == Seal.Status.REJECTED


def test_the_predicate_and_its_filter_agree(tree):
    ruzhou_add(tree)
    zone = make_org("hrss", tree.lh, name="漯河经济技术开发区人社局", region_code="411171")
    jiyuan = make_org("hrss", tree.province, name="济源市人社局", region_code="419001")
    offices = [tree.province, tree.pds, tree.lh, tree.xinhua, tree.ruzhou, zone, jiyuan]
    issuing = {office.pk for office in offices if is_issuing_office(office)}
    assert issuing == {tree.province.pk, tree.pds.pk, tree.lh.pk, tree.ruzhou.pk, jiyuan.pk}
    found = Org.objects.filter(issuing_office_q(), pk__in=[office.pk for office in offices])
    assert set(found.values_list("pk", flat=True)) == issuing
    assert not is_issuing_office(tree.hospital1)
