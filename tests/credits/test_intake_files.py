"""Intake files: broken ones refused before anything is stored, the template, full-width cells,
and the transfer of paper-certificate hours (学时转登)."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from credits.models import Declaration, ImportBatch
from tests.credits.intake_support import (
    HEADERS,
    TRAINING,
    S,
    commit,
    messages_by_line,
    post_file,
    xlsx,
)
from tests.credits.views_support import image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(block)
    return buffer.getvalue()


def long_csv(rows: int) -> bytes:
    lines = ["身份证号,姓名,年度,学时类别,项目名称,申报学时"]
    lines += [f"410402198001010012,张三,2025,{TRAINING},培训{i},8" for i in range(rows)]
    return "\n".join(lines).encode("utf-8")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.xlsx", b"just some text", "不是有效的 Excel"),
        ("a.xlsx", image_bytes("PNG"), "不是有效的 Excel"),
        ("a.txt", b"x", "只能上传 Excel（.xlsx）或 CSV（.csv）文件"),
        ("a.xlsx", None, "解压后"),
        ("a.xlsx", xlsx([["x"]], headers=["编号", "名称"]), "文件缺少以下列"),
        ("a.xlsx", xlsx([]), "没有数据行"),
        ("a.csv", None, "超过单个文件的上限 100,000 行"),
    ],
    ids=["text", "png", "extension", "bomb", "template", "empty", "rows"],
)
def test_broken_files_are_refused_and_nothing_is_stored(
    client, tree, name, content, message, settings
):
    if content is None:
        content = zip_bomb() if name.endswith(".xlsx") else long_csv(200_000)
    client.force_login(tree.admins["hospital1"])
    response = client.post(
        reverse("credits:import-create", args=["unit_declarations"]),
        {"file": upload(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert (
        not list((settings.MEDIA_ROOT / "imports").rglob("*"))
        if (settings.MEDIA_ROOT / "imports").exists()
        else True
    )


def test_the_template_downloads_with_lists_and_instructions(client, tree):
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("credits:import-template", args=["unit_declarations"]))
    book = load_workbook(io.BytesIO(response.content))
    data = book.worksheets[0]
    headers = [cell.value for cell in next(data.iter_rows(max_row=1))]
    assert headers[0].lstrip("*") == "身份证号" and "学时类别" in [h.lstrip("*") for h in headers]
    assert data.data_validations.dataValidation  # the drop-down lists
    texts = " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )
    assert "conference_national" in texts and "实际天数" in texts  # from the rules engine


LEGACY_HEADERS = ["身份证号", "姓名", "年度", "公需科目学时", "专业科目学时", "原证书编号"]


def test_legacy_transfer(client, tree, staff, django_capture_on_commit_callbacks):
    a = staff["a"]
    rows = [
        [a.user.id_number, a.user.name, "2016", "30", "60", "豫继教2016-0001"],
        [a.user.id_number, a.user.name, "2017", "", "72", ""],
        [a.user.id_number, a.user.name, "2019", "30", "60", ""],
        [a.user.id_number, a.user.name, "2015", "0", "", ""],
    ]
    client.force_login(tree.admins["hospital1"])
    post_file(
        client,
        "legacy",
        xlsx(rows, headers=LEGACY_HEADERS),
        capture=django_capture_on_commit_callbacks,
    )
    batch = ImportBatch.objects.get()
    outcome = messages_by_line(batch)
    assert outcome[2][0] == outcome[3][0] == "valid"
    assert "只适用于 2013 至 2018 年度" in outcome[4][1]
    assert "不能都为空或 0" in outcome[5][1]
    commit(client, batch, django_capture_on_commit_callbacks)
    entered = Declaration.objects.order_by("year", "subject")
    assert [(d.year, d.subject, d.claimed_hours, d.status, d.source) for d in entered] == [
        (2016, "professional", 60, S.UNIT_APPROVED, "legacy"),
        (2016, "public", 30, S.UNIT_APPROVED, "legacy"),
        (2017, "professional", 72, S.UNIT_APPROVED, "legacy"),
    ]
    assert "豫继教2016-0001" in entered[0].description
    # Again: nothing more.
    post_file(
        client,
        "legacy",
        xlsx(rows[:2], headers=LEGACY_HEADERS),
        capture=django_capture_on_commit_callbacks,
    )
    assert ImportBatch.objects.latest("pk").valid_rows == 0


def test_full_width_brackets_stay_and_full_width_digits_are_read(
    client, tree, staff, django_capture_on_commit_callbacks
):
    a = staff["a"]
    headers = [*HEADERS, "排序（署名或职责）"]
    row = [
        a.user.id_number,
        a.user.name,
        "２０２５",  # full-width digits
        "在省级专业刊物（核心期刊）发表论文",
        "心血管介入护理研究（一）",
        "２０２５－０３－０１",
        "",
        "",
        "",  # 培训项目: none for a paper
        "１",
    ]
    client.force_login(tree.admins["hospital1"])
    post_file(
        client,
        "unit_declarations",
        xlsx([row], headers=headers),
        capture=django_capture_on_commit_callbacks,
    )
    batch = ImportBatch.objects.get()
    assert messages_by_line(batch) == {2: ("valid", "")}
    commit(client, batch, django_capture_on_commit_callbacks)
    entered = Declaration.objects.get()
    assert (entered.title, entered.category, entered.year) == (
        "心血管介入护理研究（一）",
        "paper_core",
        2025,
    )
    assert entered.params == {"rank": "1"} and entered.claimed_hours == 44
