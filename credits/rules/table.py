"""The categories of 《河南省专业技术人员继续教育证书管理办法》 第六至第九条 as data.

Codes and parameter names are the contract of HOURS_RULES.md; evidence lists follow
《申报学时提交证明材料说明》. Each figure from the regulation is written once, here.
"""

from decimal import Decimal

from .formulas import (
    ByRank,
    Declared,
    Fixed,
    FullYearAfter,
    MonthlyUntilFull,
    PerUnit,
    PerUnitByRank,
)
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


def _project(code, name, label, hours, evidence_level):
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


def _paper(code, name, label, hours):
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


def _signed(code, name, article, label, hours, evidence):
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


def _exam(code, name, label, hours):
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


def _declared(code, name, article, label, evidence, confirmer, help, *, subject=PROFESSIONAL):
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


_TABLE = (
    _declared(
        "public_course",
        "公需科目学习",
        "第四条",
        "公需科目学习",
        ("公需科目学习平台出具的学习证明",),
        "各级人力资源社会保障行政部门",
        "按公需科目学习平台记录的学时申报。由平台自动登记或统一组织上传的，本人无需再上传证明材料。",
        subject=PUBLIC,
    ),
    _declared(
        "training_base",
        "继续教育基地培训",
        "第七条（一）",
        "参加各级继续教育基地举办的继续教育培训班",
        ("培训通知", "结业证书", "单位证明材料"),
        "继续教育基地审批部门",
        "学时由基地审批部门按实际学习时间确定。继续教育基地统一申报的，本人无需上传证明材料。",
    ),
    Category(
        code="training_activity",
        subject=PROFESSIONAL,
        article="第七条（二）",
        label="参加培训、研修活动",
        name="培训研修活动",
        params=(HOURS, ORGANIZER_LEVEL),
        evidence=("培训通知", "结业证书", "单位证明材料"),
        confirmer="主办单位（国家部委举办的，由主办单位或选派单位的主管部门）",
        rule=Declared(),
        help=(
            "国家部委举办的，学时由主办单位或选派单位的主管部门确定；省市有关部门、行业组织主办"
            f"或委托举办的，学时由主办单位确定。{BATCH_NOTE}"
        ),
    ),
    Category(
        code="degree_course",
        subject=PROFESSIONAL,
        article="第七条（三）",
        label="参加学历、学位教育",
        name="学历学位教育",
        params=(Param("courses", "考试合格课程门数", "int", min=Decimal(1), unit="门"),),
        evidence=("当年度成绩单",),
        confirmer=REVIEWERS,
        rule=PerUnit("courses", 15),
        help=f"按当年度考试合格的课程门数计算。{BATCH_NOTE}",
    ),
    Category(
        code="course_study",
        subject=PROFESSIONAL,
        article="第七条（三）",
        label="课程进修",
        name="课程进修",
        params=(
            Param(
                "months",
                "进修月数",
                "int",
                min=Decimal(1),
                max=Decimal(MONTHS_IN_YEAR),
                unit="个月",
            ),
        ),
        evidence=("当年度成绩单", "单位派出证明", "进修单位考核证明"),
        confirmer=REVIEWERS,
        rule=MonthlyUntilFull("months", rate=10, full_above=6),
        help=f"考核合格的课程进修，按当年度进修月数计算。{BATCH_NOTE}",
    ),
    Category(
        code="conference_national",
        subject=PROFESSIONAL,
        article="第七条（四）",
        label="参加国家部委举办的学术活动",
        name="国家级学术会议",
        params=(DAYS, PRESENTED_PAPER),
        evidence=("会议通知", "单位证明材料", "宣读论文或报告的证明材料（如有）"),
        confirmer=REVIEWERS,
        rule=PerUnit("days", 6, bonus_param="presented_paper", bonus=6),
        help=f"按实际参加天数计算。{BATCH_NOTE}",
    ),
    Category(
        code="conference_provincial",
        subject=PROFESSIONAL,
        article="第七条（四）",
        label="参加省级学术活动",
        name="省级学术会议",
        params=(DAYS, PRESENTED_PAPER),
        evidence=("会议通知", "单位证明材料", "宣读论文或报告的证明材料（如有）"),
        confirmer=REVIEWERS,
        rule=PerUnit("days", 4, bonus_param="presented_paper", bonus=4),
        help=f"按实际参加天数计算。{BATCH_NOTE}",
    ),
    _project(
        "project_national_main",
        "国家级主课题",
        "国家级主课题（项目）组",
        (68, 60, 52, 44, 36),
        "国家级",
    ),
    _project(
        "project_national_sub", "国家级子课题", "国家级子课题（项目）组", (52, 44, 36), "国家级"
    ),
    _project("project_provincial_main", "省级主课题", "省级主课题（项目）组", (60, 52, 44), "省级"),
    _project("project_provincial_sub", "省级子课题", "省级子课题（项目）组", (44, 36, 28), "省级"),
    Category(
        code="book",
        subject=PROFESSIONAL,
        article="第七条（六）",
        label="出版著作（译作）",
        name="出版著作（译作）",
        params=(
            rank(SIGNED_NAMES_COUNTED),
            Param(
                "words_10k",
                "字数",
                "number",
                min=Decimal("0.0001"),
                decimals=4,
                unit="万字",
                min_error="字数须大于 0。",
                help="以万字计，例如 25 万字填 25。",
            ),
        ),
        evidence=("封面", "扉页", "目录"),
        confirmer=UNIT_PERSONNEL,
        rule=PerUnitByRank("words_10k", (16, 12, 8)),
        help=f"按署名排序和字数计算。{BATCH_NOTE}",
    ),
    _paper(
        "paper_top",
        "国外及一级学会刊物论文",
        "在国外及国家一级学会主办的专业刊物发表论文",
        (52, 44, 36),
    ),
    _paper("paper_core", "省级核心期刊论文", "在省级专业刊物（核心期刊）发表论文", (44, 36, 28)),
    _paper(
        "paper_issn_cn",
        "ISSN+CN刊物论文",
        "在具有国际标准刊号（ISSN）和国内统一刊号（CN）的刊物发表论文",
        (36, 28, 20),
    ),
    _signed(
        "patent_invention",
        "发明专利",
        "第七条（七）",
        "获得国家知识产权局授予的发明专利",
        68,
        ("专利证书",),
    ),
    _signed(
        "patent_utility",
        "实用新型或外观设计专利",
        "第七条（七）",
        "获得国家知识产权局授予的实用新型专利或外观设计专利",
        60,
        ("专利证书",),
    ),
    _signed(
        "award_national",
        "国家级科技奖项",
        "第七条（八）",
        "获得国家科技进步奖等国家级奖项",
        68,
        ("获奖证书",),
    ),
    _signed(
        "award_provincial",
        "省部级科技奖项",
        "第七条（八）",
        "获得省（部）级科技进步奖等奖项",
        60,
        ("获奖证书",),
    ),
    _exam("exam_senior", "高级职称资格考试", "通过全国高级专业技术资格考试", 68),
    _exam("exam_intermediate", "中级职称资格考试", "通过全国中级专业技术资格考试", 60),
    _exam("exam_junior", "初级职称资格考试", "通过全国初级专业技术资格考试", 52),
    _exam("exam_practising", "执业资格或职业水平考试", "通过全国执业资格或职业水平考试", 68),
    Category(
        code="report_endorsed",
        subject=PROFESSIONAL,
        article="第七条（十）",
        label="专题调研报告被省委、省政府领导或当地党委、政府主要领导、主管领导批示",
        name="调研报告获批示",
        params=(),
        evidence=("领导批示件",),
        confirmer=REVIEWERS,
        rule=Fixed(20),
        help=BATCH_NOTE,
    ),
    Category(
        code="aid_assignment",
        subject=PROFESSIONAL,
        article="第七条（十一）",
        label="援藏、援疆、援外及到基层、贫困地区支教、支农、支医、扶贫和挂职锻炼",
        name="援派与基层服务锻炼",
        params=(Param("months", "工作月数", "int", min=Decimal(1), unit="个月"),),
        evidence=(
            "用人单位或主管部门印发的相关文件",
            "用人单位或主管部门出具的年度考核证明",
        ),
        confirmer=REVIEWERS,
        rule=FullYearAfter("months", MONTHS_IN_YEAR),
        help=f"工作满一年的，视为完成年度全部公需科目和专业科目学时。{BATCH_NOTE}",
    ),
    Category(
        code="grassroots_service",
        subject=PROFESSIONAL,
        article="第七条（十二）",
        label="参加人力资源社会保障行政部门或本单位、行业组织的服务基层活动",
        name="服务基层活动",
        params=(DAYS,),
        evidence=("服务活动通知", "组织方出具的参与证明", "本单位证明材料"),
        confirmer=REVIEWERS,
        rule=PerUnit("days", 6),
        help=f"按实际服务天数计算。{BATCH_NOTE}",
    ),
    _declared(
        "practice",
        "服务与实习进修",
        "第六条（二）",
        "到教学、科研、生产单位服务、实习进修",
        ("服务或实习进修单位出具的证明", "单位证明材料"),
        REVIEWERS,
        f"由用人单位或个人登记（第九条（二））。{BATCH_NOTE}",
    ),
    _declared(
        "self_study",
        "经批准的自学活动",
        "第六条（九）",
        "参加经业务主管部门批准的有计划、有考核的自学活动",
        ("业务主管部门批准文件", "自学计划", "考核证明"),
        REVIEWERS,
        f"自学活动须经业务主管部门批准，与本业务工作有关，有计划、有考核。{BATCH_NOTE}",
    ),
    _declared(
        "unit_training",
        "单位专业科目培训",
        "证明材料说明第十四项",
        "用人单位组织的本单位专业科目培训",
        ("单位培训通知", "参与培训相关证明材料"),
        REVIEWERS,
        f"培训项目须纳入主管部门年度培训计划，并报人社部门备案。{BATCH_NOTE}",
    ),
    _declared(
        "department_training",
        "行业主管部门培训",
        "证明材料说明第十三项",
        "行业主管部门组织的专业科目培训",
        ("培训通知", "参与培训相关证明材料"),
        REVIEWERS,
        f"培训项目须列入年度计划，并报人社部门备案。{BATCH_NOTE}",
    ),
    _declared(
        "other",
        "其他继续教育形式",
        "第七条（十三）",
        "其他类别的继续教育形式",
        ("相关学习证明材料",),
        "省辖市、省直管县（市）人力资源社会保障行政部门或省业务主管部门（报省人力资源社会保障厅备案）",
        f"由人力资源社会保障行政部门或省业务主管部门参照专业科目学时折算标准确认学时。{BATCH_NOTE}",
    ),
)

CATEGORIES: dict[str, Category] = {category.code: category for category in _TABLE}
