"""The declaration kinds: a unit's or a department's batch declaration of its people's hours,
and the transfer (转登) of paper-certificate hours of 2013-2018. Hours always come from the
rules engine (``declaration_fill``); imported rows need no evidence."""

from abc import abstractmethod
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError

from orgtree.models import Org
from orgtree.roles import roles_of
from plans.selectors import PLAN_KINDS
from portal.spreadsheets import Column, Row, template_xlsx

from ..deadlines import declare_refusals
from ..models import Declaration, ImportBatch, ImportRow
from ..rules import Basis
from ..rules.values import as_text
from ..selectors import natural_keys_taken
from ..services.declarations import declaration_fill
from ..workflow import declarations_enter
from .declaration_template import declaration_instructions, declaration_template_columns
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
from .plan_items import PLAN_ITEM, OfferedItems, offered_items, plan_item_match

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
    PLAN_ITEM,
    Column("organiser", ("主办单位", "主办（发表、授予）单位"), required=False),
    Column("start_date", ("开始日期",), required=False),
    Column("end_date", ("结束日期",), required=False),
    *(Column(name, headers, required=False) for name, headers in PARAM_HEADERS.items()),
    Column("assessment_result", ("考核结果", "考核结论"), required=False),
    Column("description", ("说明", "备注"), required=False),
)
# 第七条 gives hours to study whose assessment was passed: a failed row registers nothing.
FAILED_SKIPPED = "考核结果为不合格的学习不计学时，本行不登记。"


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
    def declarations_of(self, *, row: Row, person, batch, outcome, chunk) -> list[Declaration]:
        """The unsaved declarations one row asks for (none when its person is unknown), the
        cells' problems raised as CellError or added to ``outcome``. ``chunk`` is what
        ``chunk_read`` read for the row's chunk."""

    def chunk_read(self, *, rows: Sequence[Row], numbers: list[str], people: dict) -> object:
        """What the rows of a chunk need beyond their cells and people, read at once rather
        than row by row (``numbers``: each row's ID number, "" when unreadable)."""
        return None

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
        chunk = self.chunk_read(rows=rows, numbers=numbers, people=people)
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
                    row=row, person=person, batch=batch, outcome=outcome, chunk=chunk
                )
            except CellError as exc:
                outcome.fail(str(exc))
                continue
            if outcome.status == VALID and person is not None:
                outcome.payload = declarations
                outcome.natural_key = declarations[0].natural_key
        self.valid_check(outcomes)
        keys_check(outcomes, [row.line for row in rows], seen)
        return outcomes

    def valid_check(self, outcomes: list[Outcome]) -> None:
        """Fails the valid rows that the chunk as a whole refuses (before the duplicate check,
        so that a refused row does not count as the first of its key)."""

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

    def chunk_read(self, *, rows, numbers, people) -> OfferedItems:
        """The plan items offered to the people of the chunk's training rows, in one query."""
        pairs = set()
        for row, number in zip(rows, numbers, strict=True):
            person = people.get(number)
            if person is None:
                continue
            try:
                category = category_read(row.values.get("category", ""))
                year = year_read(row.values.get("year", ""))
            except CellError:
                continue  # the row's check says why
            if category.code in PLAN_KINDS:
                pairs.add((person.org_path, year))
        return offered_items(pairs)

    def valid_check(self, outcomes: list[Outcome]) -> None:
        """A unit or department declares for its people within the year's 学时申报 deadline
        too (issue 18), one calendar for the chunk; transfers of old hours are not declaring."""
        late = declare_refusals(
            {
                index: (d.year, d.unit_id, d.person.user_id)
                for index, outcome in enumerate(outcomes)
                if outcome.status == VALID and outcome.payload
                for d in outcome.payload[:1]
            }
        )
        for index, message in late.items():
            outcomes[index].fail(message)

    def declarations_of(self, *, row, person, batch, outcome, chunk) -> list[Declaration]:
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
        plan_item = None
        if category.code in PLAN_KINDS:
            plan_item = plan_item_match(
                chunk,
                named=values.get("plan_item", ""),
                unit_path=person.org_path,
                year=year,
                category=category.code,
            )
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
            plan_item=plan_item,
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
            columns=declaration_template_columns(PARAM_HEADERS),
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
