"""学时转登: the paper-certificate hours of 2013-2018 (平顶山 2018 通知 一（三）（四）), per person
and year, one record per subject; the unit checks them and they enter at unit_approved, then the
department's batch approval and the HRSS filing."""

from orgtree.models import Org
from portal.spreadsheets import Column, TemplateColumn, template_xlsx

from ..models import Declaration, ImportBatch
from ..rules import Subject
from .declarations import ID_NUMBER, NAME, YEAR, DeclarationsKind, declaration_build
from .fields import CellError, hours_read, year_read
from .kinds import register

LEGACY_FIRST, LEGACY_LAST = 2013, 2018
LEGACY_CATEGORIES = {Subject.PUBLIC: "public_course", Subject.PROFESSIONAL: "other"}
LEGACY_COLUMNS = (
    ID_NUMBER,
    NAME,
    YEAR,
    Column("public_hours", ("公需科目学时", "公需学时")),
    Column("professional_hours", ("专业科目学时", "专业学时")),
    Column("certificate_no", ("原证书编号", "证书编号", "原制式证书管理号"), required=False),
)


@register
class LegacyTransfer(DeclarationsKind):
    key = ImportBatch.Kind.LEGACY
    org_kind = Org.Kind.UNIT
    source = Declaration.Source.LEGACY
    columns = LEGACY_COLUMNS
    outside = "该人员不在本单位。"
    entry_label = (
        "单位已核对：进入主管部门批量审核，再由人社部门备案（没有主管部门的单位直接备案）。"
    )

    def declarations_of(self, *, row, person, batch, outcome, chunk) -> list[Declaration]:
        values = row.values
        year = year_read(values.get("year", ""))
        if not LEGACY_FIRST <= year <= LEGACY_LAST:
            raise CellError(
                f"学时转登只适用于 {LEGACY_FIRST} 至 {LEGACY_LAST} 年度的纸质证书；"
                f"{LEGACY_LAST + 1} 年起的学时请按年度申报。"
            )
        hours = {
            Subject.PUBLIC: hours_read(values.get("public_hours", ""), "公需科目学时"),
            Subject.PROFESSIONAL: hours_read(values.get("professional_hours", ""), "专业科目学时"),
        }
        if not any(hours.values()):
            raise CellError("公需科目学时和专业科目学时不能都为空或 0。")
        number = values.get("certificate_no", "")
        declarations = []
        for subject, amount in hours.items():
            if not amount or person is None:
                continue
            declaration = declaration_build(
                outcome=outcome,
                person=person,
                batch=batch,
                source=self.source,
                year=year,
                category=LEGACY_CATEGORIES[subject],
                params={"hours": str(amount)},
                title=f"{year}年度纸质继续教育证书转登（{Subject(subject).label}）",
                organiser="",
                start_date=None,
                end_date=None,
                description=f"原证书编号：{number}" if number else "",
            )
            if declaration is not None:
                declarations.append(declaration)
        return declarations

    def template(self) -> bytes:
        columns = [
            TemplateColumn("身份证号", 22, "410402198001010014"),
            TemplateColumn("姓名", 10, "张三"),
            TemplateColumn(
                "年度",
                8,
                "2016",
                choices=tuple(str(y) for y in range(LEGACY_FIRST, LEGACY_LAST + 1)),
            ),
            TemplateColumn("公需科目学时", 12, "30", note="纸质证书该年度的公需科目学时合计"),
            TemplateColumn("专业科目学时", 12, "60", note="纸质证书该年度的专业科目学时合计"),
            TemplateColumn("原证书编号", 20, "豫继教2016-0001", required=False),
        ]
        instructions = [
            ["学时转登填写说明"],
            [
                f"每行填写一名人员一个年度（{LEGACY_FIRST}—{LEGACY_LAST} 年）"
                "纸质继续教育证书上的学时合计。"
            ],
            ["公需科目、专业科目学时分别登记为一条记录；为 0 或空的科目不登记。"],
            [self.entry_label],
            ["身份证号列须为文本格式，否则 Excel 会丢失末几位数字。"],
            ["同一人员同一年度同一科目只能转登一次，重复上传不会重复登记。"],
        ]
        return template_xlsx(title=self.label, columns=columns, instructions=instructions)
