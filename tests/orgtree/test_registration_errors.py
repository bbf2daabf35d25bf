"""Bad registrations: each gets a Chinese message at the right field and stores nothing."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from orgtree.codes import credit_code_check_character
from orgtree.models import Org, OrgAdmin
from orgtree.services import org_register
from portal.ids import with_check_character
from portal.models import AuditLog
from tests.factories import UserFactory, make_org, make_person
from tests.orgtree.helpers import REGISTER_PASSWORD, register_url, registration_data

pytestmark = pytest.mark.django_db


def counts():
    return Org.objects.count(), User.objects.count(), OrgAdmin.objects.count()


def post_bad(client, data, url=None):
    """Posts a registration, asserts nothing was stored, returns {field: [errors]}."""
    before = counts()
    audit_before = AuditLog.objects.count()
    response = client.post(url or register_url("410400", "unit"), data)
    assert response.status_code == 200
    assert counts() == before
    assert AuditLog.objects.count() == audit_before
    errors = dict(response.context["org_form"].errors)
    errors.update({f"admin-{k}": v for k, v in response.context["admin_form"].errors.items()})
    return errors


def test_malformed_credit_code(client, tree):
    errors = post_bad(client, registration_data(tree.health, credit_code="91410100MA44ABCDE0"))
    assert errors["credit_code"] == ["统一社会信用代码校验位不正确，请核对后重新输入。"]


def test_credit_code_with_a_forbidden_letter(client, tree):
    errors = post_bad(client, registration_data(tree.health, credit_code="91410100MA44ABCDZ1"))
    assert "不使用 I、O、Z、S、V" in errors["credit_code"][0]


def test_duplicate_credit_code_of_an_approved_org(client, tree):
    data = registration_data(tree.health, credit_code=tree.hospital1.credit_code.lower())
    errors = post_bad(client, data)
    assert errors["credit_code"] == ["该统一社会信用代码已注册（或正在审核），请勿重复注册。"]


def test_duplicate_credit_code_of_a_pending_org(client, tree):
    pending = make_org("unit", tree.edu, status="pending")
    errors = post_bad(client, registration_data(tree.health, credit_code=pending.credit_code))
    assert errors["credit_code"] == ["该统一社会信用代码已注册（或正在审核），请勿重复注册。"]


def test_unit_under_an_institution_is_not_offered_nor_accepted(client, tree):
    errors = post_bad(client, registration_data(tree.institution))
    assert "选择一个有效的选项" in errors["parent"][0]


def test_service_refuses_a_unit_under_an_institution(tree):
    before = counts()
    with pytest.raises(ValidationError) as info:
        org_register(
            kind="unit",
            parent=tree.institution,
            name="某单位",
            credit_code="12410400MB00000017",
            username="someone",
            password=REGISTER_PASSWORD,
            filing={"name": "张三", "gender": "M", "department": "人事", "post": "科员"},
        )
    assert info.value.message_dict == {"parent": ["用人单位不能注册在施教机构下。"]}
    assert counts() == before


def test_service_wraps_a_bad_credit_code_under_its_field(tree):
    with pytest.raises(ValidationError) as info:
        org_register(
            kind="unit",
            parent=tree.health,
            name="某单位",
            credit_code="123",
            username="someone",
            password=REGISTER_PASSWORD,
            filing={"name": "张三", "gender": "M", "department": "人事", "post": "科员"},
        )
    assert info.value.message_dict == {"credit_code": ["统一社会信用代码应为 18 位，当前为 3 位。"]}


def test_department_under_a_pending_parent_is_refused(tree):
    pending = make_org("department", tree.pds, status="pending")
    with pytest.raises(ValidationError) as info:
        org_register(
            kind="unit",
            parent=pending,
            name="某单位",
            credit_code="12410400MB00000017",
            username="someone",
            password=REGISTER_PASSWORD,
            filing={"name": "张三", "gender": "M", "department": "人事", "post": "科员"},
        )
    assert "尚未通过审核" in info.value.message_dict["parent"][0]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc12345", "密码至少 8 位，且须包含大写字母、小写字母、数字、符号四类中的至少 3 类。"),
        ("Ab1!x", "密码至少 8 位，且须包含大写字母、小写字母、数字、符号四类中的至少 3 类。"),
        ("12345678", "这个密码太常见了。"),
    ],
)
def test_weak_password(client, tree, password, message):
    data = registration_data(
        tree.health, **{"admin-password1": password, "admin-password2": password}
    )
    errors = post_bad(client, data)
    assert message in errors["admin-password1"]


def test_password_similar_to_the_username(client, tree):
    data = registration_data(
        tree.health,
        **{
            "admin-username": "Hospital3Admin",
            "admin-password1": "Hospital3Admin!",
            "admin-password2": "Hospital3Admin!",
        },
    )
    errors = post_bad(client, data)
    assert any("太相似" in message for message in errors["admin-password1"])


def test_passwords_that_differ(client, tree):
    errors = post_bad(client, registration_data(tree.health, **{"admin-password2": "Other@2026x"}))
    assert errors["admin-password2"] == ["两次输入的密码不一致。"]


def test_duplicate_username_in_any_case(client, tree):
    taken = tree.admins["edu"].username.upper()
    errors = post_bad(client, registration_data(tree.health, **{"admin-username": taken}))
    assert errors["admin-username"] == ["该用户名已被使用，请换一个。"]


def test_an_id_number_as_user_name_is_refused_whether_registered_or_not(client, tree):
    """Professionals' user names are their ID numbers: "already in use" must not tell whether
    someone is registered, so any ID number is refused with one message."""
    registered = with_check_character("41040219900315103")
    make_person(tree.hospital1, user=UserFactory(username=registered, id_number=registered))
    answers = [
        post_bad(client, registration_data(tree.health, **{"admin-username": number}))
        for number in (registered, registered.lower(), with_check_character("41040219900315105"))
    ]
    message = "登录用户名不能使用身份证号（专业技术人员用身份证号登录），请换一个。"
    assert [errors["admin-username"] for errors in answers] == [[message]] * 3


def test_invalid_username_characters(client, tree):
    errors = post_bad(client, registration_data(tree.health, **{"admin-username": "张 三"}))
    assert "用户名" in errors["admin-username"][0]


def test_missing_filing_fields_and_bad_email(client, tree):
    data = registration_data(
        tree.health, **{"admin-name": "", "admin-phone": "", "admin-email": "not-an-email"}
    )
    errors = post_bad(client, data)
    assert errors["admin-name"] == ["这个字段是必填项。"]
    assert errors["admin-phone"] == ["这个字段是必填项。"]
    assert errors["admin-email"] == ["输入一个有效的 Email 地址。"]


def test_a_check_character_built_code_is_accepted(client, tree):
    first17 = "N2410400MC1234567"
    code = first17 + credit_code_check_character(first17)
    response = client.post(
        register_url("410400", "unit"), registration_data(tree.health, credit_code=code)
    )
    assert response.status_code == 302
    assert Org.objects.get(credit_code=code).status == "pending"


def test_post_without_the_first_step_goes_back_to_it(client, tree):
    from django.urls import reverse

    before = counts()
    response = client.post(reverse("orgtree:register"), registration_data(tree.health))
    assert response.status_code == 302 and response.url == reverse("orgtree:register")
    assert counts() == before


def test_the_first_admins_contacts_follow_the_filing_rules(client, tree):
    data = registration_data(tree.health, **{"admin-phone": "12345", "admin-postcode": "46700"})
    errors = post_bad(client, data)
    assert errors["admin-phone"] == [
        "联系电话应为 11 位手机号码或带区号的固定电话，如 13812345678 或 0375-2345678。"
    ]
    assert errors["admin-postcode"] == ["邮政编码应为 6 位数字，如 467000。"]
