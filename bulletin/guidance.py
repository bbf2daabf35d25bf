"""学时申报指南: for each category of the hours rules, its evidence and a sample of it.

bulletin may not import credits, so the category codes, names, articles and evidence lists are
copied here from ``credits/rules/table.py``; tests/bulletin/test_guidance.py fails when the two
differ, so a change to the rules shows up here at once. No hours figure is copied: the
declaration form computes those (the rules' figures appear once, in credits).
"""

from dataclasses import dataclass

PUBLIC, PROFESSIONAL = "public", "professional"
SUBJECT_LABELS = {PUBLIC: "公需科目", PROFESSIONAL: "专业科目"}

_PAPER = (
    "刊物封面（能看出刊名、ISSN 和 CN 刊号、年份期次）、目录页（标出本人文章）和文章首页的"
    "扫描件或照片；增刊、副刊上的文章不计。"
)
_PROJECT = "立项通知书或任务书中列明课题（项目）组成员及排序的页面，或结题（验收）证书。"
_CONFERENCE = (
    "会议通知（能看出主办单位、会议名称和日期），本单位出具的参会证明（写明姓名和参会天数，"
    "加盖公章）；在会上宣读论文或作报告的，另附会议日程或论文集中载有本人报告的页面。"
)
_PATENT = "国家知识产权局颁发的专利证书（能看出专利名称、专利号和发明人署名排序）。"
_AWARD = "获奖证书（能看出奖项名称、等级、颁奖机关和本人排名）。"
_EXAM = "资格证书中载有姓名、资格名称、取得时间和发证机关的页面。"


@dataclass(frozen=True)
class Guidance:
    code: str
    name: str
    article: str
    subject: str
    evidence: tuple[str, ...]
    sample: str

    @property
    def subject_label(self) -> str:
        return SUBJECT_LABELS[self.subject]


def _g(code, name, article, evidence, sample, subject=PROFESSIONAL) -> Guidance:
    return Guidance(code, name, article, subject, tuple(evidence), sample)


GUIDANCE = (
    _g(
        "public_course",
        "公需科目学习",
        "第四条",
        ("公需科目学习平台出具的学习证明",),
        "学习平台“学习记录”页打印或截图的学习证明，能看出姓名、课程名称、学时和完成日期。"
        "由平台自动登记或统一上传的，本人无需上传。",
        subject=PUBLIC,
    ),
    _g(
        "training_base",
        "继续教育基地培训",
        "第七条（一）",
        ("培训通知", "结业证书", "单位证明材料"),
        "基地印发的培训班通知（培训名称、时间、地点），结业证书（姓名、起止日期、学时，加盖基地"
        "印章），本单位出具的参训证明。基地统一上报的，本人无需上传。",
    ),
    _g(
        "training_activity",
        "培训研修活动",
        "第七条（二）",
        ("培训通知", "结业证书", "单位证明材料"),
        "主办单位的培训或研修通知、结业证书，本单位出具的派出或参训证明（姓名、起止日期，加盖公章）。",
    ),
    _g(
        "degree_course",
        "学历学位教育",
        "第七条（三）",
        ("当年度成绩单",),
        "学校教务部门出具的当年度成绩单，列明考试合格的课程名称和成绩，加盖教务部门印章。",
    ),
    _g(
        "course_study",
        "课程进修",
        "第七条（三）",
        ("当年度成绩单", "单位派出证明", "进修单位考核证明"),
        "进修单位出具的考核证明和当年度成绩单，本单位出具的派出进修证明（写明进修起止月份）。",
    ),
    _g(
        "conference_national",
        "国家级学术会议",
        "第七条（四）",
        ("会议通知", "单位证明材料", "宣读论文或报告的证明材料（如有）"),
        "国家部委或其委托的主办单位印发的" + _CONFERENCE,
    ),
    _g(
        "conference_provincial",
        "省级学术会议",
        "第七条（四）",
        ("会议通知", "单位证明材料", "宣读论文或报告的证明材料（如有）"),
        "省级有关部门或学会印发的" + _CONFERENCE,
    ),
    _g(
        "conference_city",
        "市级学术讲座或会议",
        "第六条（四）",
        ("讲座或会议通知", "单位证明材料"),
        "省辖市有关部门或学会印发的讲座或会议通知，本单位出具的参加证明（姓名、日期和时长）。",
    ),
    _g(
        "project_national_main",
        "国家级主课题",
        "第七条（五）",
        ("参加国家级课题/项目研究证明材料",),
        _PROJECT,
    ),
    _g(
        "project_national_sub",
        "国家级子课题",
        "第七条（五）",
        ("参加国家级课题/项目研究证明材料",),
        _PROJECT,
    ),
    _g(
        "project_provincial_main",
        "省级主课题",
        "第七条（五）",
        ("参加省级课题/项目研究证明材料",),
        _PROJECT,
    ),
    _g(
        "project_provincial_sub",
        "省级子课题",
        "第七条（五）",
        ("参加省级课题/项目研究证明材料",),
        _PROJECT,
    ),
    _g(
        "tech_achievement",
        "技术成果",
        "第六条（五）",
        ("技术成果证明材料（鉴定、验收或推广应用证明等）", "单位证明材料"),
        "成果鉴定证书、验收意见或推广应用证明，本单位出具的本人参与该成果的证明。已按专利或奖项"
        "申报的同一成果不要重复申报。",
    ),
    _g(
        "book",
        "出版著作（译作）",
        "第七条（六）",
        ("封面", "扉页", "目录"),
        "著作（译作）的封面、扉页（能看出书号、作者署名和排序）和目录页的扫描件或照片。",
    ),
    _g(
        "paper_top",
        "国外及一级学会刊物论文",
        "第七条（六）",
        ("杂志封面", "目录", "文章"),
        _PAPER,
    ),
    _g("paper_core", "省级核心期刊论文", "第七条（六）", ("杂志封面", "目录", "文章"), _PAPER),
    _g("paper_issn_cn", "ISSN+CN刊物论文", "第七条（六）", ("杂志封面", "目录", "文章"), _PAPER),
    _g("patent_invention", "发明专利", "第七条（七）", ("专利证书",), _PATENT),
    _g("patent_utility", "实用新型或外观设计专利", "第七条（七）", ("专利证书",), _PATENT),
    _g("award_national", "国家级科技奖项", "第七条（八）", ("获奖证书",), _AWARD),
    _g("award_provincial", "省部级科技奖项", "第七条（八）", ("获奖证书",), _AWARD),
    _g("exam_senior", "高级职称资格考试", "第七条（九）", ("资格证书",), _EXAM),
    _g("exam_intermediate", "中级职称资格考试", "第七条（九）", ("资格证书",), _EXAM),
    _g("exam_junior", "初级职称资格考试", "第七条（九）", ("资格证书",), _EXAM),
    _g("exam_practising", "执业资格或职业水平考试", "第七条（九）", ("资格证书",), _EXAM),
    _g(
        "report_endorsed",
        "调研报告获批示",
        "第七条（十）",
        ("领导批示件",),
        "领导批示件的扫描件，能看出批示领导、批示日期和所批示的调研报告标题。",
    ),
    _g(
        "aid_assignment",
        "援派与基层服务锻炼",
        "第七条（十一）",
        ("用人单位或主管部门印发的相关文件", "用人单位或主管部门出具的年度考核证明"),
        "选派文件（列有本人姓名和派出期限），派出期间的年度考核证明。",
    ),
    _g(
        "grassroots_service",
        "服务基层活动",
        "第七条（十二）",
        ("服务活动通知", "组织方出具的参与证明", "本单位证明材料"),
        "服务基层活动的通知，组织方出具的参与证明（写明服务天数），本单位出具的证明。",
    ),
    _g(
        "practice",
        "服务与实习进修",
        "第六条（二）",
        ("服务或实习进修单位出具的证明", "单位证明材料"),
        "服务或实习进修单位出具的证明（姓名、起止日期和内容），本单位出具的证明。",
    ),
    _g(
        "self_study",
        "经批准的自学活动",
        "第六条（九）",
        ("业务主管部门批准文件", "自学计划", "考核证明"),
        "业务主管部门对自学计划的批准文件、自学计划本身和考核证明。",
    ),
    _g(
        "unit_training",
        "单位专业科目培训",
        "证明材料说明第十四项",
        ("单位培训通知", "参与培训相关证明材料"),
        "本单位印发的培训通知（培训内容、时间），签到表、考核结果等参训证明；该培训须已纳入主管"
        "部门年度培训计划。",
    ),
    _g(
        "department_training",
        "行业主管部门培训",
        "证明材料说明第十三项",
        ("培训通知", "参与培训相关证明材料"),
        "行业主管部门印发的培训通知，签到表、结业证书等参训证明。",
    ),
    _g(
        "other",
        "其他继续教育形式",
        "第七条（十三）",
        ("相关学习证明材料",),
        "能说明学习内容、时间和完成情况的证明，如主办方出具的学习证明。",
    ),
)
