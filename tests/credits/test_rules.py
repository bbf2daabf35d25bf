import json
from decimal import Decimal

import pytest

from credits.rules import (
    CATEGORIES,
    Basis,
    Computation,
    RuleError,
    Subject,
    categories_for,
    category_schema,
    compute,
)

# The reference cases of HOURS_RULES.md, copied here (a fresh clone has no ../shared).
# ``expect``: the hours, the basis ("full_professional" / "full_year"), or "error".
REFERENCE_CASES = [
    ("training_activity", {"hours": 24, "organizer_level": "national"}, 24),
    ("degree_course", {"courses": 1}, 15),
    ("degree_course", {"courses": 4}, 60),
    ("degree_course", {"courses": 0}, "error"),
    ("course_study", {"months": 3}, 30),
    ("course_study", {"months": 13}, "error"),
    ("conference_provincial", {"days": 2, "presented_paper": False}, 8),
    ("project_national_sub", {"rank": 4}, "error"),
    ("project_provincial_sub", {"rank": 3}, 28),
    ("book", {"rank": 1, "words_10k": 2.5}, 40),
    ("book", {"rank": 3, "words_10k": 3}, 24),
    ("paper_issn_cn", {"rank": 1}, 36),
    ("paper_issn_cn", {"rank": 0}, "error"),
    ("patent_utility", {"rank": 4}, "error"),
    ("exam_intermediate", {}, 60),
    ("self_study", {"hours": 12}, 12),
]
FULL_BASES = (Basis.FULL_PROFESSIONAL, Basis.FULL_YEAR)


def case_id(case) -> str:
    category, params, expect = case
    shown = ",".join(f"{name}={value}" for name, value in params.items())
    return f"{category}({shown})->{expect}"


def errors_of(category: str, params: dict) -> dict[str, str]:
    with pytest.raises(RuleError) as excinfo:
        compute(category, params)
    return excinfo.value.errors


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=case_id)
def test_reference_case(case):
    category, params, expect = case
    if expect == "error":
        errors = errors_of(category, params)
        assert errors
        assert set(errors) <= set(params)
        assert all(is_chinese(message) for message in errors.values())
        return
    result = compute(category, params)
    assert isinstance(result, Computation)
    assert result.category == category
    if expect in FULL_BASES:
        assert result.basis == expect
        assert result.hours == 0
    else:
        assert result.hours == Decimal(expect)
        assert result.basis in (Basis.COMPUTED, Basis.DECLARED)
    assert result.explanation.startswith(f"{CATEGORIES[category].article}：")


# --- The table ---------------------------------------------------------------------------------

ALL_CODES = [
    "public_course",
    "training_base",
    "training_activity",
    "degree_course",
    "course_study",
    "conference_national",
    "conference_provincial",
    "conference_city",
    "project_national_main",
    "project_national_sub",
    "project_provincial_main",
    "project_provincial_sub",
    "tech_achievement",
    "book",
    "paper_top",
    "paper_core",
    "paper_issn_cn",
    "patent_invention",
    "patent_utility",
    "award_national",
    "award_provincial",
    "exam_senior",
    "exam_intermediate",
    "exam_junior",
    "exam_practising",
    "report_endorsed",
    "aid_assignment",
    "grassroots_service",
    "practice",
    "self_study",
    "unit_training",
    "department_training",
    "other",
]
DECLARED_CODES = [
    "public_course",
    "training_base",
    "training_activity",
    "conference_city",
    "tech_achievement",
    "practice",
    "self_study",
    "unit_training",
    "department_training",
    "other",
]


def test_every_category_of_the_table_is_there_in_order():
    assert list(CATEGORIES) == ALL_CODES


@pytest.mark.parametrize("code", ALL_CODES)
def test_category_has_subject_article_label_evidence_and_confirmer(code):
    category = CATEGORIES[code]
    expected_subject = Subject.PUBLIC if code == "public_course" else Subject.PROFESSIONAL
    assert category.code == code
    assert category.subject == expected_subject
    assert category.article.startswith(("第", "证明材料说明"))
    assert is_chinese(category.label)
    assert is_chinese(category.confirmer)
    assert category.evidence
    assert all(is_chinese(item) for item in category.evidence)


def test_evidence_lists_follow_the_material_notes():
    assert CATEGORIES["training_base"].evidence == ("培训通知", "结业证书", "单位证明材料")
    assert CATEGORIES["conference_national"].evidence == (
        "会议通知",
        "单位证明材料",
        "宣读论文或报告的证明材料（如有）",
    )
    assert CATEGORIES["course_study"].evidence == (
        "当年度成绩单",
        "单位派出证明",
        "进修单位考核证明",
    )
    assert CATEGORIES["book"].evidence == ("封面", "扉页", "目录")
    assert CATEGORIES["paper_core"].evidence == ("杂志封面", "目录", "文章")
    assert CATEGORIES["patent_utility"].evidence == ("专利证书",)
    assert CATEGORIES["award_provincial"].evidence == ("获奖证书",)
    assert CATEGORIES["exam_practising"].evidence == ("资格证书",)
    assert CATEGORIES["report_endorsed"].evidence == ("领导批示件",)
    assert CATEGORIES["unit_training"].evidence == ("单位培训通知", "参与培训相关证明材料")


def test_batch_declarations_need_no_personal_evidence_is_said_in_the_help():
    assert "无需" in CATEGORIES["training_base"].help
    assert "批量申报" in CATEGORIES["unit_training"].help
    assert "批量申报" in CATEGORIES["department_training"].help


def test_research_and_publication_hours_are_confirmed_by_the_personnel_office():
    for code in ("project_national_main", "project_provincial_sub", "book", "paper_top"):
        assert CATEGORIES[code].confirmer == "用人单位人事部门"


def test_categories_for_a_subject():
    assert [c.code for c in categories_for(Subject.PUBLIC)] == ["public_course"]
    professional = [c.code for c in categories_for("professional")]
    assert professional == ALL_CODES[1:]
    assert [c.code for c in categories_for()] == ALL_CODES
    assert categories_for("nonsense") == []


# --- Ranks --------------------------------------------------------------------------------------

RANK_TABLES = {
    "project_national_main": (68, 60, 52, 44, 36),
    "project_national_sub": (52, 44, 36),
    "project_provincial_main": (60, 52, 44),
    "project_provincial_sub": (44, 36, 28),
    "paper_top": (52, 44, 36),
    "paper_core": (44, 36, 28),
    "paper_issn_cn": (36, 28, 20),
    "patent_invention": (68, 68, 68),
    "patent_utility": (60, 60, 60),
    "award_national": (68, 68, 68),
    "award_provincial": (60, 60, 60),
}


@pytest.mark.parametrize(("code", "table"), RANK_TABLES.items(), ids=list(RANK_TABLES))
def test_rank_table(code, table):
    for rank, hours in enumerate(table, start=1):
        result = compute(code, {"rank": rank})
        assert (rank, result.hours, result.basis) == (rank, Decimal(hours), Basis.COMPUTED)
        assert f"第 {rank} 名" in result.explanation
    for rank in (0, len(table) + 1, -1):
        assert errors_of(code, {"rank": rank}) == {"rank": f"仅署名前 {len(table)} 名计算学时。"}


def test_book_hours_per_ten_thousand_words_by_rank():
    for rank, rate in enumerate((16, 12, 8), start=1):
        assert compute("book", {"rank": rank, "words_10k": 1}).hours == Decimal(rate)
    assert errors_of("book", {"rank": 4, "words_10k": 1}) == {"rank": "仅署名前 3 名计算学时。"}


def test_book_hours_are_rounded_half_up_to_one_decimal():
    # 0.0375 万字 × 12 = 0.45: half up gives 0.5 (banker's rounding would give 0.4).
    assert compute("book", {"rank": 2, "words_10k": "0.0375"}).hours == Decimal("0.5")
    result = compute("book", {"rank": 3, "words_10k": "3.3333"})
    assert result.hours == Decimal("26.7")
    assert result.explanation.endswith("3.3333 万字 × 8 学时 ≈ 26.7 学时")
    assert str(compute("book", {"rank": 1, "words_10k": 2.5}).hours) == "40.0"


def test_book_words_must_be_positive_with_at_most_four_decimals():
    assert errors_of("book", {"rank": 1, "words_10k": 0}) == {"words_10k": "字数须大于 0。"}
    assert "words_10k" in errors_of("book", {"rank": 1, "words_10k": "1.23456"})


# --- Per day, per course, per month ------------------------------------------------------------


def test_national_conference_with_a_paper():
    result = compute("conference_national", {"days": 3, "presented_paper": True})
    assert result.hours == Decimal(24)
    assert result.basis == Basis.COMPUTED
    assert result.explanation == (
        "第七条（四）：参加国家部委举办的学术活动 3 天 × 6 学时 + 宣读、报告论文 6 学时 = 24 学时"
    )
    assert compute("conference_national", {"days": 3}).hours == Decimal(18)
    assert compute("conference_provincial", {"days": 2, "presented_paper": "on"}).hours == 12


@pytest.mark.parametrize("value", [True, "true", "True", "on", "1", 1])
def test_presented_paper_true_values(value):
    assert compute("conference_provincial", {"days": 1, "presented_paper": value}).hours == 8


@pytest.mark.parametrize("value", [False, "false", "0", 0, "", None])
def test_presented_paper_false_values(value):
    assert compute("conference_provincial", {"days": 1, "presented_paper": value}).hours == 4


def test_presented_paper_absent_is_false_and_nonsense_is_refused():
    assert compute("conference_provincial", {"days": 1}).hours == 4
    errors = errors_of("conference_provincial", {"days": 1, "presented_paper": "maybe"})
    assert set(errors) == {"presented_paper"}
    assert errors_of("conference_provincial", {"days": 1, "presented_paper": 2})


def test_grassroots_service_and_degree_courses():
    assert compute("grassroots_service", {"days": 5}).hours == Decimal(30)
    assert compute("degree_course", {"courses": 2}).explanation == (
        "第七条（三）：参加学历、学位教育 2 门 × 15 学时 = 30 学时"
    )
    assert "days" in errors_of("grassroots_service", {"days": 0})


def test_course_study_six_months_is_hours_and_seven_completes_the_professional_year():
    six = compute("course_study", {"months": 6})
    assert (six.hours, six.basis) == (Decimal(60), Basis.COMPUTED)
    seven = compute("course_study", {"months": 7})
    assert (seven.hours, seven.basis) == (Decimal(0), Basis.FULL_PROFESSIONAL)
    assert "视为完成年度专业科目学时" in seven.explanation
    assert compute("course_study", {"months": 12}).basis == Basis.FULL_PROFESSIONAL
    assert "months" in errors_of("course_study", {"months": 0})


def test_aid_assignment_needs_a_full_year():
    result = compute("aid_assignment", {"months": 12})
    assert (result.hours, result.basis) == (Decimal(0), Basis.FULL_YEAR)
    assert result.explanation.startswith("第七条（十一）：")
    assert compute("aid_assignment", {"months": 18}).basis == Basis.FULL_YEAR
    errors = errors_of("aid_assignment", {"months": 11})
    assert list(errors) == ["months"]
    assert "须满一年" in errors["months"]


def test_fixed_hours_need_no_parameters():
    for code, hours in [
        ("exam_senior", 68),
        ("exam_intermediate", 60),
        ("exam_junior", 52),
        ("exam_practising", 68),
        ("report_endorsed", 20),
    ]:
        result = compute(code, {})
        assert (result.hours, result.basis) == (Decimal(hours), Basis.COMPUTED)
    assert compute("exam_senior", None).hours == Decimal(68)


# --- Declared hours -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", DECLARED_CODES)
@pytest.mark.parametrize(
    ("hours", "expect"),
    [(200, "200"), (12.5, "12.5"), ("12.5", "12.5"), (0.1, "0.1"), ("  30 ", "30")],
)
def test_declared_hours_stand(code, hours, expect):
    params = {"hours": hours, "organizer_level": "provincial"}
    result = compute(code, params)
    assert (result.hours, result.basis) == (Decimal(expect), Basis.DECLARED)
    assert "待审核确认" in result.explanation


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (0, "申报学时须大于 0。"),
        (-1, "申报学时须大于 0。"),
        (201, "单次申报学时不能超过 200 学时。"),
        (200.1, "单次申报学时不能超过 200 学时。"),
        (12.55, "申报学时最多保留一位小数。"),
        ("十二", "申报学时须为数字。"),
        (True, "申报学时须为数字。"),
        ("", "请填写申报学时。"),
        (None, "请填写申报学时。"),
        ("nan", "申报学时须为数字。"),
        (float("inf"), "申报学时须为数字。"),
        ("1e30", "申报学时数值过大。"),
    ],
)
def test_declared_hours_are_refused(hours, message):
    assert errors_of("self_study", {"hours": hours}) == {"hours": message}


def test_training_activity_names_its_organizer():
    result = compute("training_activity", {"hours": 24, "organizer_level": "provincial"})
    assert "（省市有关部门、行业组织）" in result.explanation
    errors = errors_of("training_activity", {"hours": 24, "organizer_level": "city"})
    assert list(errors) == ["organizer_level"]
    assert "国家部委" in errors["organizer_level"]


# --- Validation ---------------------------------------------------------------------------------


def test_all_bad_parameters_are_reported_at_once():
    assert errors_of("training_activity", {}) == {
        "hours": "请填写申报学时。",
        "organizer_level": "请填写主办单位级别。",
    }
    errors = errors_of("book", {"rank": 4, "words_10k": -1})
    assert errors == {"rank": "仅署名前 3 名计算学时。", "words_10k": "字数须大于 0。"}
    errors = errors_of("conference_national", {"days": 2.5, "presented_paper": "perhaps"})
    assert set(errors) == {"days", "presented_paper"}


@pytest.mark.parametrize("category", ["no_such_category", "", None, 7, ["book"]])
def test_unknown_category(category):
    errors = errors_of(category, {})
    assert list(errors) == ["category"]
    assert is_chinese(errors["category"])


def test_parameters_must_be_an_object():
    assert list(errors_of("degree_course", ["courses", 2])) == ["params"]


@pytest.mark.parametrize("value", [2.5, "2.5", True, False, "abc", [3], {"n": 3}])
def test_an_int_parameter_refuses_what_is_not_an_integer(value):
    assert errors_of("degree_course", {"courses": value}) == {
        "courses": "考试合格课程门数须为整数。"
    }


@pytest.mark.parametrize("value", [3, 3.0, "3", " 3 ", "3.0", Decimal(3)])
def test_an_int_parameter_accepts_integers_from_json_and_forms(value):
    result = compute("degree_course", {"courses": value})
    assert result.hours == Decimal(45)
    assert "3 门" in result.explanation


def test_keys_the_category_does_not_use_are_ignored():
    params = {"courses": 1, "csrfmiddlewaretoken": "x", "rank": "nonsense"}
    assert compute("degree_course", params).hours == Decimal(15)


def test_hours_have_one_decimal_place():
    for code, params in [("exam_junior", {}), ("self_study", {"hours": 7})]:
        assert compute(code, params).hours.as_tuple().exponent == -1


# --- Schema for the form -----------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_schema_is_json_and_describes_the_category(code):
    schema = category_schema(code)
    assert json.loads(json.dumps(schema, ensure_ascii=False)) == schema
    category = CATEGORIES[code]
    assert schema["code"] == code
    assert schema["label"] == category.label
    assert schema["subject"] == category.subject
    assert schema["article"] == category.article
    assert schema["evidence"] == list(category.evidence)
    assert schema["confirmer"] == category.confirmer
    assert [p["name"] for p in schema["params"]] == [p.name for p in category.params]
    assert "rule" not in schema


def test_schema_gives_kinds_limits_and_choices():
    book = {p["name"]: p for p in category_schema("book")["params"]}
    assert book["rank"] == {
        "name": "rank",
        "label": "署名排序",
        "kind": "int",
        "required": True,
        "min": 1,
        "max": 3,
        "decimals": 0,
        "unit": "名",
        "choices": [],
        "help": "",
    }
    assert book["words_10k"]["kind"] == "number"
    assert book["words_10k"]["decimals"] == 4
    assert book["words_10k"]["max"] is None
    training = {p["name"]: p for p in category_schema("training_activity")["params"]}
    assert training["hours"]["max"] == 200
    assert training["hours"]["min"] == 0.1
    assert training["organizer_level"]["choices"] == [
        {"value": "national", "label": "国家部委"},
        {"value": "provincial", "label": "省市有关部门、行业组织"},
    ]
    paper = {p["name"]: p for p in category_schema("conference_national")["params"]}
    assert paper["presented_paper"]["kind"] == "bool"
    assert paper["presented_paper"]["required"] is False
    assert category_schema("public_course")["subject_label"] == "公需科目"


def test_schema_of_an_unknown_category():
    with pytest.raises(RuleError) as excinfo:
        category_schema("nope")
    assert list(excinfo.value.errors) == ["category"]
