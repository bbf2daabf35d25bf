"""The declaration kinds: a unit's or a department's batch declaration of its people's hours,
and the transfer (转登) of paper-certificate hours of 2013-2018. Hours always come from the
rules engine (``declaration_fill``); imported rows need no evidence."""

from abc import abstractmethod
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError

from orgtree.models import Org
from orgtree.roles import roles_of
from portal.spreadsheets import Column, Row, TemplateColumn, template_xlsx

from ..models import Declaration, ImportBatch, ImportRow
from ..rules import CATEGORIES, Basis, category_schema
from ..rules.values import as_text
from ..selectors import natural_keys_taken
from ..services.declarations import declaration_fill
from ..workflow import declarations_enter
from .fields import (
    Assessment,
    CellError,
    assessment_read,
    category_read,
    date_read,
    hours_read,
    param_cell,
    year_read,
)
from .kinds import SKIPPED, VALID, Committed, IntakeKind, Outcome, duplicate_in_file, register
from .persons import id_number_read, person_match, persons_by_id_number

ID_NUMBER = Column("id_number", ("身份证号", "身份证号码", "公民身份号码", "证件号码"))
NAME = Column("name", ("姓名",))
YEAR = Column("year", ("年度", "学时年度"))
# The rules' parameters, one column each whatever the category (the instructions sheet says
# which category reads which).
PARAM_HEADERS = {
    "hours": ("申报学时", "学时"),
    "organizer_level": ("主办单位级别",),
    "days": ("实际天数", "天数"),
    "presented_paper": ("宣读、报告论文", "宣读论文"),
    "rank": ("排序（署名或职责）", "排序", "署名排序", "职责排序"),
    "words_10k": ("字数（万字）", "字数"),
    "courses": ("考试合格课程门数", "课程门数"),
    "months": ("月数（进修或工作）", "月数"),
}
DECLARATION_COLUMNS = (
    ID_NUMBER,
    NAME,
    YEAR,
    Column("category", ("学时类别", "类别")),
    Column("title", ("项目名称", "培训项目名称")),
    Column("organiser", ("主办单位", "主办（发表、授予）单位"), required=False),
    Column("start_date", ("开始日期",), required=False),
    Column("end_date", ("结束日期",), required=False),
    *(Column(name, headers, required=False) for name, headers in PARAM_HEADERS.items()),
    Column("assessment_result", ("考核结果", "考核结论"), required=False),
    Column("description", ("说明", "备注"), required=False),
)
# 第七条 gives hours to study whose assessment was passed: a failed row registers nothing.
FAILED_SKIPPED = "考核结果为不合格的学习不计学时，本行不登记。"
BATCH_NOTE = (
    "批量导入的记录本人无需上传证明材料；"
    "学时按《河南省专业技术人员继续教育证书管理办法》的标准计算。"
)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [message for messages in exc.message_dict.values() for message in messages]
    return list(exc.messages)


def declaration_build(
    *, outcome: Outcome, person, batch: ImportBatch, source: str, **data
) -> Declaration | None:
    """An unsaved declaration of ``person`` from one row's data, filled by the rules engine;
    None with the reasons added to ``outcome``."""
    declaration = Declaration(
        person=person,
        unit_id=person.unit_id,
        org_path=person.org_path,
        person_name=person.user.name,
        has_department=person.unit.has_department,
        source=source,
        batch=batch,
        claimed_hours=Decimal(0),
    )
    try:
        declaration_fill(declaration, **data)
    except ValidationError as exc:
        for message in _messages(exc):
            outcome.fail(message)
        return None
    return declaration


def batch_comment(batch: ImportBatch) -> str:
    """The trail's note of an imported row: which batch, file and uploader it came from."""
    uploader = batch.uploader.display_name if batch.uploader_id else "—"
    note = f"{batch.get_kind_display()}第 {batch.pk} 批，文件“{batch.file_name}”，上传人 {uploader}"
    return note[:500]


def keys_check(outcomes: list[Outcome], lines: Sequence[int], seen: dict) -> None:
    """Duplicates within the file, then of declarations already in the portal."""
    for outcome, line in zip(outcomes, lines, strict=True):
        if outcome.status != VALID:
            continue
        for declaration in outcome.payload:
            repeat = duplicate_in_file(seen, declaration.natural_key, line)
            if repeat:
                outcome.fail(repeat)
                break
    keys = [d.natural_key for o in outcomes if o.status == VALID for d in o.payload]
    taken = natural_keys_taken(keys)
    for outcome in outcomes:
        if outcome.status != VALID:
            continue
        for declaration in outcome.payload:
            if declaration.natural_key in taken:
                outcome.taken = True
                outcome.fail(
                    f"与已有的学时记录重复（该记录状态：{taken[declaration.natural_key]}）。"
                )
                break


class DeclarationsKind(IntakeKind):
    """Rows of people in the uploader's scope, each becoming declarations of ``source``."""

    source = ""
    outside = ""

    def paths(self, actor) -> tuple[str, ...]:
        return roles_of(actor).paths(self.org_kind)

    @abstractmethod
    def declarations_of(self, *, row: Row, person, batch, outcome) -> list[Declaration]:
        """The unsaved declarations one row asks for (none when its person is unknown), the
        cells' problems raised as CellError or added to ``outcome``."""

    def skip_reason(self, row: Row) -> str:
        """Why a row registers nothing whatever else it holds ("" when it may register): then
        nothing of it needs fixing either."""
        return ""

    def check(self, *, batch, actor, rows, seen) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(rows)
        others = []
        for index, row in enumerate(rows):
            reason = self.skip_reason(row)
            if reason:
                outcomes[index] = Outcome(status=SKIPPED, errors=[reason])
            else:
                others.append(index)
        if others:
            checked = self.rows_check(
                batch=batch, actor=actor, rows=[rows[i] for i in others], seen=seen
            )
            for index, outcome in zip(others, checked, strict=True):
                outcomes[index] = outcome
        return outcomes

    def rows_check(self, *, batch, actor, rows, seen) -> list[Outcome]:
        outcomes = [Outcome() for _ in rows]
        numbers = [
            id_number_read(row.values.get("id_number", ""), outcome)
            for row, outcome in zip(rows, outcomes, strict=True)
        ]
        people = persons_by_id_number(numbers)
        paths = self.paths(actor)
        for row, outcome, number in zip(rows, outcomes, numbers, strict=True):
            person = person_match(
                outcome=outcome,
                number=number,
                name=row.values.get("name", ""),
                people=people,
                paths=paths,
                outside=self.outside,
            )
            try:
                declarations = self.declarations_of(
                    row=row, person=person, batch=batch, outcome=outcome
                )
            except CellError as exc:
                outcome.fail(str(exc))
                continue
            if outcome.status == VALID and person is not None:
                outcome.payload = declarations
                outcome.natural_key = declarations[0].natural_key
        keys_check(outcomes, [row.line for row in rows], seen)
        return outcomes

    def commit(self, *, batch, actor, rows: Sequence[ImportRow]) -> Committed:
        again = self.check(
            batch=batch,
            actor=actor,
            rows=[Row(line=row.line, values=row.values) for row in rows],
            seen={},
        )
        committed = Committed()
        fresh = []
        for row, outcome in zip(rows, again, strict=True):
            if outcome.status == VALID:
                fresh.append((row, outcome))
            elif outcome.taken:
                committed.duplicates[row.pk] = "；".join(outcome.errors)
            else:
                committed.errors[row.pk] = "；".join(outcome.errors)
        entered = declarations_enter(
            declarations=[d for _, outcome in fresh for d in outcome.payload],
            actor=actor,
            comment=batch_comment(batch),
        )
        for row, outcome in fresh:
            if all(d.natural_key in entered.created for d in outcome.payload):
                committed.entered.append(row.pk)
            else:
                committed.duplicates[row.pk] = "提交时发现相同的学时记录已存在，本行未导入。"
        return committed


class BatchDeclarationsKind(DeclarationsKind):
    columns = DECLARATION_COLUMNS

    def skip_reason(self, row: Row) -> str:
        try:
            result = assessment_read(row.values.get("assessment_result", ""))
        except CellError:
            return ""  # reported by the row's check
        return FAILED_SKIPPED if result == Assessment.FAILED else ""

    def declarations_of(self, *, row, person, batch, outcome) -> list[Declaration]:
        values = row.values
        assessment = assessment_read(values.get("assessment_result", ""))
        year = year_read(values.get("year", ""))
        category = category_read(values.get("category", ""))
        params = {
            param.name: param_cell(param, values.get(param.name, "")) for param in category.params
        }
        start = date_read(values.get("start_date", ""), "开始日期")
        end = date_read(values.get("end_date", ""), "结束日期")
        if person is None:
            return []
        declaration = declaration_build(
            outcome=outcome,
            person=person,
            batch=batch,
            source=self.source,
            year=year,
            category=category.code,
            params=params,
            title=values.get("title", ""),
            organiser=values.get("organiser", ""),
            start_date=start,
            end_date=end,
            description=values.get("description", ""),
            assessment_result=assessment,
        )
        if declaration is None:
            return []
        claimed = hours_read(values.get("hours", ""), "申报学时")
        if declaration.basis != Basis.DECLARED and claimed and claimed > declaration.claimed_hours:
            outcome.fail(
                f"申报学时 {as_text(claimed)} 超过按标准计算的 "
                f"{as_text(declaration.claimed_hours)} 学时。"
            )
        return [declaration]

    def template(self) -> bytes:
        return template_xlsx(
            title=self.label,
            columns=declaration_template_columns(),
            instructions=declaration_instructions(self.entry_label),
        )


@register
class UnitDeclarations(BatchDeclarationsKind):
    key = ImportBatch.Kind.UNIT
    org_kind = Org.Kind.UNIT
    source = Declaration.Source.UNIT_BATCH
    outside = "该人员不在本单位。"
    entry_label = "单位已审核：进入主管部门审核；没有主管部门的单位直接进入人社部门备案。"


@register
class DepartmentDeclarations(BatchDeclarationsKind):
    key = ImportBatch.Kind.DEPARTMENT
    org_kind = Org.Kind.DEPARTMENT
    source = Declaration.Source.DEPARTMENT_BATCH
    outside = "该人员不在本部门所属单位。"
    entry_label = "主管部门已审核：进入人社部门备案。"


# --- The declarations' template -------------------------------------------------------------------


def _param_text(param: dict) -> str:
    if param["choices"]:
        return f"{param['label']}：" + "/".join(choice["label"] for choice in param["choices"])
    if param["kind"] == "bool":
        return f"{param['label']}：是/否"
    limits = ""
    if param["min"] is not None and param["max"] is not None:
        limits = f"（{param['min']}～{param['max']}{param['unit']}）"
    return f"{param['label']}{limits}"


def declaration_template_columns() -> list[TemplateColumn]:
    names = tuple(category.name for category in CATEGORIES.values())
    level = CATEGORIES["training_activity"].param("organizer_level")
    choices = {
        "organizer_level": tuple(label for _, label in level.choices),
        "presented_paper": ("是", "否"),
    }
    examples = {"hours": "8"}
    columns = [
        TemplateColumn("身份证号", 22, "410402198001010014"),
        TemplateColumn("姓名", 10, "张三"),
        TemplateColumn("年度", 8, "2025"),
        TemplateColumn("学时类别", 24, CATEGORIES["unit_training"].name, choices=names),
        TemplateColumn("项目名称", 30, "2025 年度院内专业技术培训"),
        TemplateColumn("主办单位", 24, "平顶山市第一人民医院", required=False),
        TemplateColumn("开始日期", 12, "2025-03-01", required=False),
        TemplateColumn("结束日期", 12, "2025-03-02", required=False),
    ]
    for name, headers in PARAM_HEADERS.items():
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
    rows = [
        ["批量申报填写说明"],
        ["每行一条学时记录：一名人员、一个年度、一项活动。带 * 的列必须填写。"],
        ["身份证号列须为文本格式，否则 Excel 会丢失末几位数字。日期按 2025-03-01 填写。"],
        [
            "学时由平台按类别和参数计算；按申报学时认定的类别填写“申报学时”，其余类别填写下表所列参数。"
        ],
        ["“学时类别”列可填写下表的学时类别、条文表述或类别代码。"],
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
