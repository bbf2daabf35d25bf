"""An admin edits an org's address, postcode, industry and contacts (issue 17): their own org or
one below it, audited with the old and new values; nothing else of the org changes here."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from orgtree.contacts import phone_normalize, postcode_normalize
from orgtree.models import Org
from orgtree.services import org_update
from portal.models import AuditLog
from tests.factories import make_org, make_person
from tests.orgtree.helpers import queries_for

pytestmark = pytest.mark.django_db


def edit_url(org) -> str:
    return reverse("orgtree:org-edit", args=[org.pk])


def detail_url(org) -> str:
    return reverse("orgtree:org-detail", args=[org.pk])


def edit_data(**overrides) -> dict:
    data = {
        "address": "平顶山市新华区建设路 100 号",
        "postcode": "467000",
        "industry": "卫生和社会工作",
        "contact_person": "李明",
        "contact_phone": "0375-2345678",
    }
    data.update(overrides)
    return data


def edits(org) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action="org.update", target=f"org:{org.pk}"))


def test_a_unit_admin_edits_their_unit_with_one_audit_row(client, tree):
    Org.objects.filter(pk=tree.hospital1.pk).update(address="旧地址", industry="卫生和社会工作")
    client.force_login(tree.admins["hospital1"])
    assert "机构名称、统一社会信用代码、类型、所在地区和上级机构" in client.get(
        edit_url(tree.hospital1)
    ).content.decode("utf-8")

    response = client.post(edit_url(tree.hospital1), edit_data(), follow=True)

    assert response.redirect_chain == [(detail_url(tree.hospital1), 302)]
    page = response.content.decode()
    assert "已保存机构信息（修改了：通讯地址、邮政编码、联系人、联系电话）" in page
    assert "李明" in page and "0375-2345678" in page and "467000" in page  # shown on the page
    org = Org.objects.get(pk=tree.hospital1.pk)
    assert (org.address, org.postcode, org.contact_person, org.contact_phone) == (
        "平顶山市新华区建设路 100 号",
        "467000",
        "李明",
        "0375-2345678",
    )
    [entry] = edits(tree.hospital1)
    assert entry.actor == tree.admins["hospital1"] and entry.org_path == org.path
    assert entry.detail == {
        "before": {"address": "旧地址", "postcode": "", "contact_person": "", "contact_phone": ""},
        "after": {
            "address": "平顶山市新华区建设路 100 号",
            "postcode": "467000",
            "contact_person": "李明",
            "contact_phone": "0375-2345678",
        },
    }
    assert entry.ip == "127.0.0.1"


def test_the_department_above_edits_its_unit(client, tree):
    client.force_login(tree.admins["health"])
    response = client.post(edit_url(tree.hospital1), edit_data(industry="教育"))
    assert response.status_code == 302
    assert Org.objects.get(pk=tree.hospital1.pk).industry == "教育"
    assert edits(tree.hospital1)[0].actor == tree.admins["health"]


@pytest.mark.parametrize(
    ("admin", "org"),
    [
        ("lh", "hospital1"),  # another city
        ("hospital2", "hospital1"),  # a neighbouring unit
        ("hospital1", "health"),  # the department above
        ("xinhua", "pds"),  # a county office and its city's
    ],
)
def test_an_org_out_of_scope_answers_404_and_stays_as_it_was(client, tree, admin, org):
    target = getattr(tree, org)
    client.force_login(tree.admins[admin])
    assert client.get(edit_url(target)).status_code == 404
    assert client.post(edit_url(target), edit_data()).status_code == 404
    assert Org.objects.get(pk=target.pk).contact_person == ""
    assert not edits(target)
    with pytest.raises(Http404):
        org_update(actor=tree.admins[admin], org_id=target.pk, data=edit_data())


def test_a_professional_is_turned_away(client, tree):
    client.force_login(make_person(tree.hospital1).user)
    assert client.get(edit_url(tree.hospital1)).status_code == 403


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_phone", "12345", "联系电话应为 11 位手机号码或带区号的固定电话"),
        ("contact_phone", "0375-23a5678", "联系电话应为 11 位手机号码或带区号的固定电话"),
        ("postcode", "46700", "邮政编码应为 6 位数字"),
        ("industry", "不存在的行业", "选择一个有效的选项"),
        ("address", "", "这个字段是必填项。"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_changes_nothing(client, tree, field, value, message):
    client.force_login(tree.admins["hospital1"])
    before = Org.objects.get(pk=tree.hospital1.pk)
    response = client.post(edit_url(tree.hospital1), edit_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    after = Org.objects.get(pk=tree.hospital1.pk)
    assert (after.address, after.contact_person, after.contact_phone, after.postcode) == (
        before.address,
        before.contact_person,
        before.contact_phone,
        before.postcode,
    )
    assert not edits(tree.hospital1)


def test_nothing_changed_writes_nothing(client, tree):
    client.force_login(tree.admins["hospital1"])
    client.post(edit_url(tree.hospital1), edit_data())
    response = client.post(edit_url(tree.hospital1), edit_data(), follow=True)
    assert "没有修改任何内容。" in response.content.decode()
    assert len(edits(tree.hospital1)) == 1


def test_name_code_kind_region_and_parent_are_not_editable(client, tree):
    client.force_login(tree.admins["health"])
    fixed = ("name", "credit_code", "kind", "region_id", "parent_id")
    before = Org.objects.filter(pk=tree.hospital1.pk).values(*fixed).get()
    data = edit_data(
        name="改名医院", credit_code="X", kind="hrss", region="411100", parent=tree.lh.pk
    )
    assert client.post(edit_url(tree.hospital1), data).status_code == 302
    assert Org.objects.filter(pk=tree.hospital1.pk).values(*fixed).get() == before
    assert set(edits(tree.hospital1)[0].detail["after"]) <= {
        "address",
        "postcode",
        "industry",
        "contact_person",
        "contact_phone",
    }


def test_full_width_input_is_stored_as_ascii(tree):
    org, changed = org_update(
        actor=tree.admins["hospital1"],
        org_id=tree.hospital1.pk,
        data={"contact_phone": "（０３７５）２３４５６７８", "postcode": "４６７０００"},
    )
    assert (org.contact_phone, org.postcode) == ("0375-2345678", "467000")
    assert set(changed) == {"contact_phone", "postcode"}


def test_a_pending_org_cannot_be_edited_yet(client, tree):
    pending = make_org("unit", tree.health, status="pending")
    client.force_login(tree.admins["health"])
    assert "修改机构信息" not in client.get(detail_url(pending)).content.decode()
    page = client.get(edit_url(pending)).content.decode()
    assert "审核通过后方可修改机构信息" in page
    with pytest.raises(ValidationError):
        org_update(actor=tree.admins["health"], org_id=pending.pk, data=edit_data())
    assert Org.objects.get(pk=pending.pk).contact_person == ""


def test_the_detail_page_links_to_the_edit_page_and_shows_contacts(client, tree):
    Org.objects.filter(pk=tree.hospital1.pk).update(
        contact_person="张联系", contact_phone="13812345678", postcode="467001"
    )
    client.force_login(tree.admins["health"])
    page = client.get(detail_url(tree.hospital1)).content.decode()
    assert f'href="{edit_url(tree.hospital1)}"' in page and "修改机构信息" in page
    assert "张联系" in page and "13812345678" in page and "467001" in page


def test_the_audit_log_names_the_edit(client, tree):
    client.force_login(tree.admins["hospital1"])
    client.post(edit_url(tree.hospital1), edit_data())
    page = client.get(reverse("orgtree:audit"), {"action": "org.update"}).content.decode()
    assert "修改机构信息" in page and "0375-2345678" in page


def test_the_edit_page_reads_a_fixed_number_of_queries(client, tree):
    client.force_login(tree.admins["pds"])
    few = queries_for(client, edit_url(tree.hospital1))
    for n in range(5):
        make_org("unit", tree.hospital1.parent, name=f"新单位{n}")
    assert queries_for(client, edit_url(tree.hospital1)) == few
    assert queries_for(client, edit_url(tree.health)) == few
    assert few <= 8


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0375-2345678", "0375-2345678"),
        ("037512345678", "037512345678"),
        ("(0371)65432100", "0371-65432100"),
        ("0371-65432100-801", "0371-65432100-801"),
        ("", ""),
    ],
)
def test_phone_numbers_accepted(typed, stored):
    assert phone_normalize(typed) == stored


@pytest.mark.parametrize("typed", ["12345678901", "0375", "110", "0375-2345678-", "电话"])
def test_phone_numbers_refused(typed):
    with pytest.raises(ValidationError):
        phone_normalize(typed)


def test_postcodes():
    assert postcode_normalize(" ４６７０００ ") == "467000"
    assert postcode_normalize("") == ""
    with pytest.raises(ValidationError):
        postcode_normalize("4670000")
