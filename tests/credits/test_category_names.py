"""The categories' plain names (issue 16): short and unique, shown where a category is picked or
scanned; the regulation's wording stays where it explains, and imports accept either."""

import io

import pytest
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from credits.intake.fields import CellError, category_read, label_key
from credits.rules import CATEGORIES, category_schema
from tests.factories import make_person

from .views_support import declaration

NAME_LONGEST = 12
NAME_SHORTEST = 4


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_category_has_a_unique_plain_name_of_at_most_12_characters():
    names = {code: category.name for code, category in CATEGORIES.items()}
    too_long_or_short = {
        code: name for code, name in names.items() if not NAME_SHORTEST <= len(name) <= NAME_LONGEST
    }
    assert too_long_or_short == {}
    assert len(set(names.values())) == len(names)
    assert all(is_chinese(name) for name in names.values())
    assert names["paper_issn_cn"] == "ISSN+CN刊物论文"
    assert names["report_endorsed"] == "调研报告获批示"
    assert names["other"] == "其他继续教育形式"


def test_no_name_wording_or_code_leads_to_two_categories():
    """An import cell is compared by label_key, so the three spellings must stay apart."""
    seen: dict[str, str] = {}
    for code, category in CATEGORIES.items():
        for text in (category.name, category.label, code):
            assert seen.setdefault(label_key(text), code) == code, text


def test_an_import_cell_may_name_a_category_by_plain_name_wording_or_code():
    for code, category in CATEGORIES.items():
        for text in (category.name, category.label, code, f" {category.name} "):
            assert category_read(text).code == code, text
    assert category_read("ＩＳＳＮ＋ＣＮ刊物论文").code == "paper_issn_cn"  # typed full-width
    with pytest.raises(CellError, match="未知的学时类别"):
        category_read("发明专利", allowed={"training_base"})


def test_the_schema_carries_both_the_name_and_the_wording():
    schema = category_schema("aid_assignment")
    assert schema["name"] == "援派与基层服务锻炼"
    assert schema["label"].startswith("援藏、援疆、援外")


def test_the_table_filter_gives_the_plain_name_and_the_title_filter_the_wording():
    rendered = Template(
        "{% load credits_tags %}{{ code|category_label }}|{{ code|category_title }}|"
        "{{ gone|category_label }}"
    ).render(Context({"code": "report_endorsed", "gone": "retired_code"}))
    label = CATEGORIES["report_endorsed"].label
    assert rendered == f"调研报告获批示|第七条（十）{label}|retired_code"


@pytest.mark.django_db
def test_the_declaration_form_offers_the_plain_names_and_quotes_the_wording(client, tree):
    person = make_person(tree.hospital1)
    client.force_login(person.user)
    text = client.get(reverse("credits:declaration-create")).content.decode()
    for code, category in CATEGORIES.items():
        assert f'<option value="{code}">{category.name}</option>' in text
        assert f"{category.article}：{category.label}" in text  # the category's fieldset
    assert '<option value="paper_issn_cn">ISSN+CN刊物论文</option>' in text


@pytest.mark.django_db
def test_the_list_shows_the_plain_name_and_the_detail_page_the_wording(client, tree):
    person = make_person(tree.hospital1)
    record = declaration(person, "paper_issn_cn", {"rank": 1}, title="心血管护理论文")
    client.force_login(person.user)
    listing = client.get(reverse("credits:declarations")).content.decode()
    assert '<td class="cell-wrap cr-hide-phone">ISSN+CN刊物论文</td>' in listing
    assert "国内统一刊号" not in listing
    detail = client.get(reverse("credits:declaration-detail", args=[record.pk])).content.decode()
    assert "第七条（六）在具有国际标准刊号（ISSN）和国内统一刊号（CN）的刊物发表论文" in detail


@pytest.mark.django_db
def test_the_import_template_offers_plain_names_and_lists_the_wording_beside_them(client, tree):
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("credits:import-template", args=["unit_declarations"]))
    book = load_workbook(io.BytesIO(response.content))
    options = {cell for row in book["选项"].iter_rows(values_only=True) for cell in row if cell}
    assert {category.name for category in CATEGORIES.values()} <= options
    assert CATEGORIES["aid_assignment"].label not in options
    guide = [row for row in book["填写说明"].iter_rows(values_only=True)]
    assert ("类别代码", "学时类别", "条文表述") in [row[:3] for row in guide]
    issn = CATEGORIES["paper_issn_cn"]
    assert ("paper_issn_cn", issn.name, issn.label) in [row[:3] for row in guide]
