"""The training institutions' kind (施教机构): the results (成绩) of one of its programmes.

Each row names a participant and their 考核结果. A passed row becomes one declaration of the
programme's category, title, dates and hours (or fewer hours, never more), with source
institution; it enters at submitted, so it waits in the queue of the person's own unit like a
declaration the person made. The participant may work anywhere in the institution's province:
an institution trains people of every unit, not of its subtree. A failed row registers nothing.
"""

from orgtree.models import Org
from orgtree.roles import roles_of
from portal.spreadsheets import Column, TemplateColumn, template_xlsx

from ..models import Declaration, ImportBatch
from ..rules.values import as_text
from .declarations import ID_NUMBER, NAME, DeclarationsKind, declaration_build
from .fields import CellError, hours_read
from .kinds import register
from .persons import province_paths

PASSED, FAILED = "合格", "不合格"
NOT_PASSED = "考核不合格，不登记学时。"
RESULT_UNKNOWN = f"考核结果须填写“{PASSED}”或“{FAILED}”。"
OUTSIDE_PROVINCE = "该人员不在本省注册。"

RESULT = Column("result", ("考核结果", "考核结论", "成绩"))
HOURS = Column("hours", ("学时", "培训学时", "认定学时"), required=False)


def programme_description(programme) -> str:
    return f"批准机关：{programme.approver}；批准文号：{programme.document_no}"


@register
class InstitutionResults(DeclarationsKind):
    key = ImportBatch.Kind.INSTITUTION
    org_kind = Org.Kind.INSTITUTION
    source = Declaration.Source.INSTITUTION
    columns = (ID_NUMBER, NAME, RESULT, HOURS)
    needs_programme = True
    outside = OUTSIDE_PROVINCE
    entry_label = (
        "待单位审核：考核合格的人员按培训项目登记学时，进入其所在单位的审核队列，"
        "再经主管部门审核、人社部门备案。"
    )

    def paths(self, actor) -> tuple[str, ...]:
        """The province (or provinces) of the institutions the actor administers."""
        return province_paths(org for org in roles_of(actor).orgs if org.kind == self.org_kind)

    def skip_reason(self, row) -> str:
        """A failed participant is reported as not registered, whatever else the row holds."""
        return NOT_PASSED if row.values.get("result", "").strip() == FAILED else ""

    def declarations_of(self, *, row, person, batch, outcome, chunk) -> list[Declaration]:
        values = row.values
        if values.get("result", "").strip() != PASSED:
            raise CellError(RESULT_UNKNOWN)
        programme = batch.programme
        hours = hours_read(values.get("hours", ""), "学时")
        if hours is None:
            hours = programme.hours
        elif hours > programme.hours:
            raise CellError(f"学时超过培训项目的 {as_text(programme.hours)} 学时。")
        if person is None:
            return []
        declaration = declaration_build(
            outcome=outcome,
            person=person,
            batch=batch,
            source=self.source,
            year=programme.year,
            category=programme.category,
            params={"hours": as_text(hours)},
            title=programme.title,
            organiser=batch.org.name,
            start_date=programme.start_date,
            end_date=programme.end_date,
            description=programme_description(programme),
            assessment_result=Declaration.Assessment.PASSED,
        )
        return [] if declaration is None else [declaration]

    def template(self) -> bytes:
        columns = [
            TemplateColumn("身份证号", 22, "410402198001010014"),
            TemplateColumn("姓名", 10, "张三"),
            TemplateColumn("考核结果", 10, PASSED, choices=(PASSED, FAILED)),
            TemplateColumn(
                "学时",
                8,
                "24",
                required=False,
                note="留空按培训项目的学时登记；填写时不得超过培训项目的学时",
            ),
        ]
        instructions = [
            ["培训成绩上报填写说明"],
            [
                "每行填写一名参训人员的考核结果；一个文件只填写一个培训项目的成绩，上传时选择该培训项目。"
            ],
            [
                f"考核结果为“{PASSED}”的人员按培训项目的类别、名称、日期和学时登记；"
                f"“{FAILED}”的人员不登记学时。"
            ],
            ["学时列留空即按培训项目的学时登记；填写时不得超过培训项目的学时，最多保留一位小数。"],
            ["参训人员须已在本省注册并通过审核，姓名须与身份证号的注册姓名一致。"],
            [self.entry_label],
            ["身份证号列须为文本格式，否则 Excel 会丢失末几位数字。"],
            ["同一人员同一培训项目只登记一次，重复上传不会重复登记。"],
        ]
        return template_xlsx(title=self.label, columns=columns, instructions=instructions)
