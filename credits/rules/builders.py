"""The shared parts of the categories table (``table.py``): parameters, people who confirm
hours, and the builders of the categories that come in families (projects, papers, exams...)."""

from decimal import Decimal

from .formulas import ByRank, Declared, Fixed
from .types import Category, Param, Subject

PUBLIC = Subject.PUBLIC.value
PROFESSIONAL = Subject.PROFESSIONAL.value

# 第七条（六）至（八）: only the first three names on a work, patent or award count.
SIGNED_NAMES_COUNTED = 3
MONTHS_IN_YEAR = 12
DAYS_IN_YEAR = 366

BATCH_NOTE = "用人单位、主管部门批量申报（导入）的记录，本人无需再上传证明材料。"

# 第十一条: units review first, the line department or industry body confirms professional hours.
REVIEWERS = "用人单位初审，行业主管部门或行业组织审核认定"
# 第七条（五）（六）: research and publication hours are set by the unit's personnel office.
UNIT_PERSONNEL = "用人单位人事部门"

HOURS = Param(
    "hours",
    "申报学时",
    "number",
    min=Decimal("0.1"),
    max=Decimal(200),
    decimals=1,
    unit="学时",
    min_error="申报学时须大于 0。",
    max_error="单次申报学时不能超过 {max} 学时。",
)
ORGANIZER_LEVEL = Param(
    "organizer_level",
    "主办单位级别",
    "choice",
    choices=(("national", "国家部委"), ("provincial", "省市有关部门、行业组织")),
)
DAYS = Param("days", "实际天数", "int", min=Decimal(1), max=Decimal(DAYS_IN_YEAR), unit="天")
PRESENTED_PAPER = Param(
    "presented_paper", "宣读、报告论文", "bool", help="宣读、报告论文的，请上传有关证明材料。"
)


def rank(count: int, label: str = "署名排序") -> Param:
    return Param(
        "rank",
        label,
        "int",
        min=Decimal(1),
        max=Decimal(count),
        unit="名",
        min_error="仅署名前 {max} 名计算学时。",
        max_error="仅署名前 {max} 名计算学时。",
    )


def project(code, name, label, hours, evidence_level):
    return Category(
        code=code,
        subject=PROFESSIONAL,
        article="第七条（五）",
        label=label,
        name=name,
        params=(rank(len(hours), "职责排序"),),
        evidence=(f"参加{evidence_level}课题/项目研究证明材料",),
        confirmer=UNIT_PERSONNEL,
        rule=ByRank(hours),
        help=f"按课题（项目）组内职责排序填写名次。{BATCH_NOTE}",
    )


def paper(code, name, label, hours):
    return Category(
        code=code,
        subject=PROFESSIONAL,
        article="第七条（六）",
        label=label,
        name=name,
        params=(rank(len(hours)),),
        evidence=("杂志封面", "目录", "文章"),
        confirmer=UNIT_PERSONNEL,
        rule=ByRank(hours),
        help=f"限公开出版刊物（增刊、副刊除外），每篇计算。{BATCH_NOTE}",
    )


def signed(code, name, article, label, hours, evidence):
    return Category(
        code=code,
        subject=PROFESSIONAL,
        article=article,
        label=label,
        name=name,
        params=(rank(SIGNED_NAMES_COUNTED),),
        evidence=evidence,
        confirmer=REVIEWERS,
        rule=Fixed(hours),
        help=f"每项计算，按署名排序填写名次。{BATCH_NOTE}",
    )


def exam(code, name, label, hours):
    return Category(
        code=code,
        subject=PROFESSIONAL,
        article="第七条（九）",
        label=label,
        name=name,
        params=(),
        evidence=("资格证书",),
        confirmer=REVIEWERS,
        rule=Fixed(hours),
        help=BATCH_NOTE,
    )


def declared(code, name, article, label, evidence, confirmer, help, *, subject=PROFESSIONAL):
    return Category(
        code=code,
        subject=subject,
        article=article,
        label=label,
        name=name,
        params=(HOURS,),
        evidence=evidence,
        confirmer=confirmer,
        rule=Declared(),
        help=help,
    )
