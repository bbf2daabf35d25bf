"""Registration of professionals through the public page: region and unit search, the form."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Person, User
from portal.models import AuditLog
from tests.accounts.conftest import (
    PASSWORD,
    REGISTER_URL,
    new_id,
    page_text,
    register,
    registration_data,
)
from tests.factories import make_org, make_person, region

pytestmark = pytest.mark.django_db


def unit_names(response) -> list[str]:
    form = response.context.get("form")
    if form is None:
        return []
    return [label.split("（")[0] for _, label in form.fields["unit"].widget.choices]


def counts() -> tuple[int, int]:
    return User.objects.count(), Person.objects.count()


# --- Step 1: region and unit search --------------------------------------------------------------


def test_register_page_offers_the_province_and_its_cities(client, tree):
    response = client.get(REGISTER_URL)
    assert response.status_code == 200
    choices = dict(response.context["search"].fields["city"].choices)
    assert choices["410000"] == "河南省（省直）"
    assert choices["410400"] == "平顶山市"
    assert choices["411100"] == "漯河市"
    assert "form" not in response.context  # no unit form before a region is chosen


def test_choosing_a_city_lists_its_counties_and_its_own_units(client, tree):
    region("410403")
    region("411102")  # a county of another city: not listed
    response = client.get(REGISTER_URL, {"city": "410400"})
    counties = dict(response.context["search"].fields["county"].choices)
    assert counties == {"": "市直（不选县区）", "410402": "新华区", "410403": "卫东区"}
    assert sorted(unit_names(response)) == sorted(
        [
            "平顶山市第一人民医院",
            "平顶山市第二人民医院",
            "平顶山市第一中学",
            "平顶山市人民防空办公室",
        ]
    )


def test_choosing_a_county_lists_only_its_units(client, tree):
    response = client.get(REGISTER_URL, {"city": "410400", "county": "410402"})
    assert unit_names(response) == ["新华区人民医院"]
    assert "平顶山市新华区" in page_text(response)


def test_a_county_of_another_city_is_dropped_for_the_new_city(client, tree):
    # The user changed the city without JavaScript: the old county no longer applies.
    response = client.get(REGISTER_URL, {"city": "411100", "county": "410402"})
    assert unit_names(response) == ["漯河市中心医院"]


def test_search_by_part_of_the_name(client, tree):
    response = client.get(REGISTER_URL, {"city": "410400", "q": "第一"})
    assert sorted(unit_names(response)) == ["平顶山市第一中学", "平顶山市第一人民医院"]
    assert "找到 2 个名称包含“第一”的单位" in page_text(response)


def test_pending_units_are_not_offered(client, tree):
    make_org("unit", tree.health, name="平顶山市第三人民医院", status="pending")
    response = client.get(REGISTER_URL, {"city": "410400", "q": "人民医院"})
    assert "平顶山市第三人民医院" not in unit_names(response)


def test_no_match_says_so(client, tree):
    response = client.get(REGISTER_URL, {"city": "410400", "q": "不存在的单位"})
    assert unit_names(response) == []
    assert "没有名称包含“不存在的单位”的已通过审核的用人单位" in page_text(response)


def test_at_most_50_matches_with_a_hint_to_refine(client, tree):
    for n in range(51):
        make_org("unit", tree.health, name=f"平顶山市社区卫生服务中心{n:02d}")
    response = client.get(REGISTER_URL, {"city": "410400", "q": "社区卫生"})
    assert len(unit_names(response)) == 50
    assert "仅显示前 50 个，请输入更完整的单位名称缩小范围" in page_text(response)


# --- Step 2: the registration itself -------------------------------------------------------------


def test_valid_registration_creates_an_inactive_account_and_a_pending_person(client, tree):
    response = register(client, tree.hospital1, legacy_cert_no=" 豫继教2013-000123 ")
    assert response.status_code == 302
    assert response.url == reverse("accounts:register-done")

    user = User.objects.get(id_number=new_id(101))
    assert user.username == new_id(101)
    assert not user.is_active
    assert user.name == "李明" and user.phone == "13812345678"
    assert user.check_password(PASSWORD)
    person = user.person
    assert person.status == Person.Status.PENDING
    assert person.unit == tree.hospital1
    assert person.org_path == tree.hospital1.path
    assert person.region_id == "410400"
    assert person.gender == "M"  # serial 101: odd
    assert person.birth_date == datetime.date(1990, 3, 15)
    assert person.cert_no is None
    assert person.legacy_cert_no == "豫继教2013-000123"
    assert AuditLog.objects.filter(action="person.register", target=f"person:{person.pk}").exists()


def test_success_page_shows_the_derived_birth_date_and_gender(client, tree):
    register(client, tree.hospital1, id_number=new_id(102, birth="19851231"))
    response = client.get(reverse("accounts:register-done"))
    content = page_text(response)
    assert (
        "注册申请已提交，等待“平顶山市第一人民医院”管理员审核；审核通过后即可用身份证号登录"
        in content
    )
    assert "1985年12月31日" in content
    assert '<dd data-testid="gender">女</dd>' in content
    assert new_id(102, birth="19851231") not in content  # masked on a page anyone may see


def test_success_page_without_a_registration_goes_back_to_the_form(client, db):
    response = client.get(reverse("accounts:register-done"))
    assert response.status_code == 302
    assert response.url == REGISTER_URL


def test_registration_under_a_county_unit(client, tree):
    register(client, tree.xinhua_unit)
    person = Person.objects.get(user__id_number=new_id(101))
    assert person.unit == tree.xinhua_unit
    assert person.region_id == "410402"


def test_full_width_digits_and_lower_case_x_are_normalised(client, tree):
    number = "41010219780101002X"
    full_width = number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "ｘ"
    response = register(client, tree.hospital1, id_number=full_width)
    assert response.status_code == 302
    assert User.objects.get(id_number=number).person.gender == "F"


def test_phone_with_spaces_and_full_width_digits_is_normalised(client, tree):
    register(client, tree.hospital1, phone="１３８ 1234-5678")
    assert User.objects.get(id_number=new_id(101)).phone == "13812345678"


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("410402198503121230", "身份证号码校验位不正确"),
        ("990402198503120056", "前两位 99 不是有效的省级行政区划代码"),
        ("41040219850312123", "身份证号码应为 18 位，当前为 17 位"),
        ("41040219850312123' OR '1'='1", "身份证号码应为 18 位"),
        ("410402189912310056", "超出合理范围"),
        ("410402850312123", "不再受理 15 位的第一代身份证号码"),
    ],
)
def test_malformed_id_numbers_are_refused_at_the_id_field(client, tree, id_number, message):
    before = counts()
    response = register(client, tree.hospital1, id_number=id_number)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors["id_number"])
    assert counts() == before


def test_a_unit_of_another_region_is_refused(client, tree):
    # A tampered POST: 平顶山市 chosen, but the unit is 漯河市中心医院.
    before = counts()
    response = register(client, tree.hospital1, unit=str(tree.lh_hospital.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["所选单位不属于所选地区，请重新选择。"]
    assert counts() == before


def test_a_city_search_that_finds_nothing_there_searches_its_counties(client, tree):
    """People often pick the city for a county's unit: 新华区人民医院 sits in 新华区."""
    search = {"city": "410400", "county": "", "q": "新华区人民医院"}
    response = client.get(REGISTER_URL, search)
    assert unit_names(response) == ["新华区人民医院"]
    text = page_text(response)
    assert (
        "“平顶山市”市本级没有名称包含“新华区人民医院”的单位，在其所辖县（市、区）找到 1 个" in text
    )
    # Found at the city itself: the counties are not searched.
    assert "所辖县" not in page_text(client.get(REGISTER_URL, {**search, "q": "人民医院"}))
    # And the registration goes through, the person in the unit's own region.
    response = register(client, tree.xinhua_unit, city="410400", county="", q="新华区人民医院")
    assert response.status_code == 302, page_text(response)
    person = Person.objects.get(user__id_number=new_id(101))
    assert person.unit == tree.xinhua_unit and person.region_id == tree.xinhua_unit.region_id


@pytest.mark.parametrize(
    "unit_attr", ["health", "pds", "institution"], ids=["department", "hrss", "institution"]
)
def test_an_org_that_is_not_a_unit_is_refused(client, tree, unit_attr):
    before = counts()
    response = register(client, tree.hospital1, unit=str(getattr(tree, unit_attr).pk))
    assert response.context["form"].errors["unit"] == ["请选择已通过审核的用人单位。"]
    assert counts() == before


def test_no_unit_chosen(client, tree):
    data = registration_data(tree.hospital1)
    del data["unit"]
    response = client.post(REGISTER_URL, data)
    assert response.context["form"].errors["unit"] == ["请选择所在单位。"]
    assert counts() == (User.objects.count(), 0)


def test_a_weak_password_is_refused(client, tree):
    before = counts()
    response = register(client, tree.hospital1, password="abcdefgh1", password_confirm="abcdefgh1")
    assert any("四类中的至少 3 类" in e for e in response.context["form"].errors["password"])
    assert counts() == before


def test_mismatched_passwords_are_refused(client, tree):
    before = counts()
    response = register(client, tree.hospital1, password_confirm="Henan@2026y")
    assert response.context["form"].errors["password_confirm"] == ["两次输入的密码不一致。"]
    assert counts() == before


@pytest.mark.parametrize("phone", ["1381234567", "23812345678", "0375-1234567", "phone"])
def test_a_phone_that_is_not_a_mobile_number_is_refused(client, tree, phone):
    before = counts()
    response = register(client, tree.hospital1, phone=phone)
    assert "手机号码应为以 1 开头的 11 位数字" in response.context["form"].errors["phone"][0]
    assert counts() == before


def test_a_post_without_a_region_is_refused(client, tree):
    before = counts()
    response = register(client, tree.hospital1, city="", county="")
    assert "请先选择所在地区并查找单位。" in response.context["form"].non_field_errors()
    assert counts() == before


def test_the_form_remembers_the_search_after_an_error(client, tree):
    response = register(client, tree.xinhua_unit, name="")
    content = page_text(response)
    assert '<input type="hidden" name="county" value="410402">' in content
    assert unit_names(response) == ["新华区人民医院"]


@pytest.mark.parametrize("status", ["rejected", "withdrawn"])
def test_registering_again_after_rejection_or_withdrawal(client, tree, status):
    old = make_person(tree.hospital1, status=status, cert_no="4104000000042")
    response = register(client, tree.xinhua_unit, id_number=old.user.id_number, name="重新注册")
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == "pending" and old.unit == tree.xinhua_unit
    assert old.org_path == tree.xinhua_unit.path and old.reject_reason == ""
    assert old.cert_no == "4104000000042"  # a number once given stays the person's
    assert Person.objects.count() == 1
    client.force_login(tree.admins["xinhua_unit"])
    client.post(reverse("accounts:registration-approve", args=[old.pk]))
    old.refresh_from_db()
    assert old.status == "approved" and old.cert_no == "4104000000042"
