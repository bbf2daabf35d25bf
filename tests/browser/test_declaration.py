"""A professional declares a conference, sees its hours computed live, adds evidence, submits,
and finds the hours in review on 我的学时."""

import io
import re

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Henan@2026x"
UNIT = "平顶山市第一人民医院"
TITLE = "全国医院感染管理学术年会"


@pytest.fixture
def professional(db, settings, tmp_path):
    from credits.models import Requirement
    from tests.factories import make_admin, make_org, make_person

    settings.MEDIA_ROOT = tmp_path
    province = make_org("hrss", None, name="河南省人力资源和社会保障厅", region_code="410000")
    pds = make_org("hrss", province, name="平顶山市人力资源和社会保障局", region_code="410400")
    unit = make_org("unit", pds, name=UNIT)
    make_admin(unit)
    Requirement.objects.create(year_from=2018, total_min=90, public_min=30, professional_min=60)
    person = make_person(unit)
    person.user.username = "liming"
    person.user.name = "李明"
    person.user.set_password(PASSWORD)
    person.user.save(update_fields=["username", "name", "password"])
    return person


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (29, 79, 145)).save(buffer, "PNG")
    return buffer.getvalue()


def test_declare_a_conference_with_live_hours_evidence_and_submit(page, professional):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或身份证号").fill("liming")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    assert page.get_by_test_id("user-name").inner_text() == "李明"

    # Home -> 申报学时 (the workspace's shortcut); choosing the category shows its fields at
    # once (credits-hours.js).
    page.get_by_test_id("home-person").get_by_role("link", name="申报学时").click()
    page.wait_for_load_state("load")
    page.get_by_label("学时类别").select_option(label="国家级学术会议")
    fields = page.locator("fieldset[data-category-panel='conference_national']")
    assert fields.is_visible()
    assert "会议通知" in fields.inner_text()  # what to upload for this category
    fields.get_by_label("实际天数").fill("3")
    fields.get_by_label("宣读、报告论文").check()

    # The server's computation, before anything is saved.
    result = page.get_by_test_id("hours-result")
    result.get_by_text("24 学时", exact=True).wait_for()
    assert "3 天 × 6 学时 + 宣读、报告论文 6 学时" in result.inner_text()

    page.get_by_label("项目名称").fill(TITLE)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/credits/declarations/\d+/$"))
    assert page.get_by_role("heading", name=TITLE).is_visible()
    assert page.get_by_test_id("status").inner_text() == "草稿"

    # Evidence, then submit.
    page.get_by_label("选择文件").set_input_files(
        files=[{"name": "会议通知.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.get_by_role("button", name="上传").click()
    evidence = page.get_by_test_id("evidence-list")
    assert "会议通知.png" in evidence.inner_text()
    thumbnail = evidence.get_by_role("img", name="会议通知.png")
    thumbnail.wait_for()
    assert page.evaluate("img => img.naturalWidth", thumbnail.element_handle()) == 240

    page.get_by_role("button", name="提交", exact=True).click()
    assert page.get_by_test_id("status").inner_text() == "待单位审核"
    assert "提交" in page.get_by_test_id("trail").inner_text()

    # 我的学时: in review, not yet counted.
    page.get_by_role("link", name="我的学时").first.click()
    row = page.get_by_role("row", name=re.compile(TITLE))
    assert "待单位审核" in row.inner_text()
    professional_card = page.get_by_test_id("subject-professional")
    assert professional_card.get_by_test_id("in-review").inner_text() == "24"
    assert professional_card.get_by_test_id("filed").inner_text() == "0"
    assert page.get_by_test_id("year-status").inner_text() == "未完成"
