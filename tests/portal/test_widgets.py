"""QuickSelect: the same options as Django's Select, escaped, without its per-option template."""

import re

from django import forms

from portal.widgets import QuickSelect

CHOICES = [
    ("", "全部"),
    (1, "第一人民医院"),
    (2, '<b>"引号" & 尖括号</b>'),
    ("组", [(10, "甲"), (11, "乙")]),
]


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>(.*?)</option>', html
        )
    ]


def test_the_options_match_djangos_select_with_the_choice_selected():
    for value in ("", "2", "11", None):
        mine = QuickSelect(choices=CHOICES).render("unit", value, attrs={"id": "id_unit"})
        django = forms.Select(choices=CHOICES).render("unit", value, attrs={"id": "id_unit"})
        assert _options(mine) == _options(django.replace("\n", ""))
        assert mine.startswith('<select name="unit"') and 'id="id_unit"' in mine


def test_labels_are_escaped_and_groups_kept():
    html = QuickSelect(choices=CHOICES).render("unit", "2")
    assert "<b>" not in html and "&lt;b&gt;&quot;引号&quot; &amp; 尖括号&lt;/b&gt;" in html
    assert '<optgroup label="组"><option value="10">甲</option>' in html
    assert '<option value="2" selected>' in html


def test_a_form_field_renders_with_it():
    class Form(forms.Form):
        year = forms.ChoiceField(
            choices=[("2025", "2025 年"), ("2026", "2026 年")], widget=QuickSelect
        )

    html = str(Form({"year": "2026"})["year"])
    assert '<option value="2026" selected>2026 年</option>' in html
