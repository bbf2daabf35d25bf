"""The batch declarations' xlsx template (单位批量申报, 主管部门批量申报): its columns with an
example row, and its instructions sheet with every category and the columns it reads."""

from plans.selectors import PLAN_KINDS
from portal.spreadsheets import TemplateColumn

from ..rules import CATEGORIES, category_schema
from .fields import Assessment

BATCH_NOTE = (
    "批量导入的记录本人无需上传证明材料；"
    "学时按《河南省专业技术人员继续教育证书管理办法》的标准计算。"
)
EXAMPLE_TRAINING = "2025 年度院内专业技术培训"
PLAN_CATEGORIES = tuple(PLAN_KINDS)  # unit_training, department_training


def _param_text(param: dict) -> str:
    if param["choices"]:
        return f"{param['label']}：" + "/".join(choice["label"] for choice in param["choices"])
    if param["kind"] == "bool":
        return f"{param['label']}：是/否"
    limits = ""
    if param["min"] is not None and param["max"] is not None:
        limits = f"（{param['min']}～{param['max']}{param['unit']}）"
    return f"{param['label']}{limits}"


def declaration_template_columns(param_headers: dict) -> list[TemplateColumn]:
    """The columns, the category's parameters (``param_headers``: name -> header texts) last."""
    names = tuple(category.name for category in CATEGORIES.values())
    level = CATEGORIES["training_activity"].param("organizer_level")
    choices = {
        "organizer_level": tuple(label for _, label in level.choices),
        "presented_paper": ("是", "否"),
    }
    examples = {"hours": "8"}
    plan_names = "、".join(CATEGORIES[code].name for code in PLAN_CATEGORIES)
    columns = [
        TemplateColumn("身份证号", 22, "410402198001010014"),
        TemplateColumn("姓名", 10, "张三"),
        TemplateColumn("年度", 8, "2025"),
        TemplateColumn("学时类别", 24, CATEGORIES["unit_training"].name, choices=names),
        TemplateColumn("项目名称", 30, EXAMPLE_TRAINING),
        TemplateColumn(
            "培训项目",
            30,
            EXAMPLE_TRAINING,
            required=False,
            note=(
                f"{plan_names}必填：已备案的年度培训计划中的项目名称，须与计划一致；其他类别留空"
            ),
        ),
        TemplateColumn("主办单位", 24, "平顶山市第一人民医院", required=False),
        TemplateColumn("开始日期", 12, "2025-03-01", required=False),
        TemplateColumn("结束日期", 12, "2025-03-02", required=False),
    ]
    for name, headers in param_headers.items():
        columns.append(
            TemplateColumn(
                headers[0],
                14,
                examples.get(name, ""),
                choices=choices.get(name, ()),
                required=False,
                note="按“填写说明”中该类别需要填写的列填写",
            )
        )
    columns.append(
        TemplateColumn(
            "考核结果",
            10,
            Assessment.PASSED.label,
            choices=tuple(label for _, label in Assessment.choices),
            required=False,
            note="合格、不合格或不适用；留空按“不适用”登记，“不合格”的行不登记学时",
        )
    )
    columns.append(TemplateColumn("说明", 30, "", required=False))
    return columns


def declaration_instructions(entry_label: str) -> list[list[str]]:
    unit, department = (CATEGORIES[code] for code in PLAN_CATEGORIES)
    rows = [
        ["批量申报填写说明"],
        ["每行一条学时记录：一名人员、一个年度、一项活动。带 * 的列必须填写。"],
        ["身份证号列须为文本格式，否则 Excel 会丢失末几位数字。日期按 2025-03-01 填写。"],
        [
            "学时由平台按类别和参数计算；按申报学时认定的类别填写“申报学时”，其余类别填写下表所列参数。"
        ],
        ["“学时类别”列可填写下表的学时类别、条文表述或类别代码。"],
        [
            f"“培训项目”列：{unit.name}（{unit.article}）须填写本单位、{department.name}"
            f"（{department.article}）须填写主管部门当年已报人社部门备案的年度培训计划中的项目名称，"
            "与计划中的名称一致；计划未备案或已退回的项目不能申报。项目名称、主办单位和日期留空时按该项目填写。"
        ],
        [
            "“考核结果”列（第十条）填写合格、不合格或不适用，可留空（按“不适用”登记）；"
            "考核结果为不合格的学习不计学时，该行不登记。"
        ],
        [BATCH_NOTE],
        [entry_label],
        [
            "同一人员、年度、科目、类别、项目名称和开始日期相同的记录只登记一次，重复上传不会重复登记。"
        ],
        [],
        ["类别代码", "学时类别", "条文表述", "科目", "依据", "需填写的列", "学时认定"],
    ]
    for code in CATEGORIES:
        schema = category_schema(code)
        params = "；".join(_param_text(param) for param in schema["params"]) or "无需参数"
        if code in PLAN_CATEGORIES:
            params = f"培训项目；{params}"
        rows.append(
            [
                code,
                schema["name"],
                schema["label"],
                schema["subject_label"],
                schema["article"],
                params,
                schema["confirmer"],
            ]
        )
    return rows
