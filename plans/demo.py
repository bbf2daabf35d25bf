"""Demo data for plans (make run): 平顶山市第一人民医院 and 平顶山市卫生健康委员会 each have a
filed 年度培训计划 of this year, whose projects its people's unit_training and
department_training declarations may name, and the 卫健委 has a filed 行业学时折算办法. Runs
after the accounts' loader has made the orgs and admins; idempotent: every step is taken
through the real services, only when it has not been taken yet."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from orgtree.models import OrgAdmin
from orgtree.selectors import admin_user_ids

from .models import ConversionRule, FilingStatus, TrainingPlan
from .services import (
    ItemRow,
    conversion_rule_file,
    conversion_rule_submit,
    plan_file,
    plan_save,
    plan_submit,
)

UNIT_ADMIN = "unit_pds_hospital1"
DEPARTMENT_ADMIN = "dept_pds_health"
RULE_TITLE = "平顶山市卫生健康系统专业技术人员继续教育学时折算办法"
RULE_SUMMARY = (
    "适用于全市卫生健康系统各单位专业技术人员。参加省级以上医学会学术会议、"
    "国家级继续医学教育项目、进修学习等，按本办法折算专业科目学时；每人每年折算学时"
    "不超过专业科目要求学时的二分之一。"
)
# (title, form, (month, day) start, (month, day) end, hours, participants, organiser)
UNIT_ITEMS = [
    ("院内感染防控与安全注射培训", "classroom", (4, 10), (4, 11), "12", 300, "医院感染管理科"),
    ("急危重症救治技能培训", "seminar", (6, 5), (6, 7), "24", 120, "急诊医学科"),
    ("医疗纠纷防范与医患沟通讲座", "lecture", (9, 18), (9, 18), "4", 500, "医务科"),
]
DEPARTMENT_ITEMS = [
    (
        "全市基层卫生人员适宜技术推广培训",
        "classroom",
        (5, 12),
        (5, 16),
        "40",
        800,
        "市卫健委科教科",
    ),
    ("全市卫生健康系统网络继续教育", "online", (3, 1), (11, 30), "30", 5000, "市卫健委科教科"),
]


def _admin(username: str):
    user = get_user_model().objects.get(username=username)
    org = OrgAdmin.objects.select_related("org").get(user=user, active=True).org
    return user, org


def _office_admin(org_id: int):
    """An admin of the office that files ``org_id``'s documents."""
    user_ids = admin_user_ids([org_id])[org_id]
    return get_user_model().objects.get(pk=user_ids[0])


def _rows(items, year: int) -> list[ItemRow]:
    return [
        ItemRow(
            None,
            {
                "title": title,
                "form": form,
                "starts_on": datetime.date(year, *start),
                "ends_on": datetime.date(year, *end),
                "hours": Decimal(hours),
                "participants": participants,
                "organiser": organiser,
            },
        )
        for title, form, start, end, hours, participants, organiser in items
    ]


def _plan_filed(username: str, items) -> None:
    user, org = _admin(username)
    year = timezone.localdate().year
    plan = TrainingPlan.objects.filter(org=org, year=year).first()
    if plan is None:
        plan = plan_save(actor=user, org_id=org.pk, year=year, rows=_rows(items, year))
    if plan.status in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        plan = plan_submit(actor=user, plan_id=plan.pk)
    if plan.status == FilingStatus.SUBMITTED:
        plan_file(actor=_office_admin(plan.filing_office_id), plan_id=plan.pk)


def demo_pdf() -> bytes:
    """The conversion document: one A4 page, set by WeasyPrint in the portal's CJK font."""
    from weasyprint import HTML

    html = (
        '<html lang="zh-CN"><head><style>'
        "@page { size: A4; margin: 25mm; }"
        'body { font-family: "Noto Serif CJK SC"; font-size: 12pt; line-height: 1.8; }'
        "h1 { font-size: 18pt; text-align: center; }"
        f"</style></head><body><h1>{RULE_TITLE}</h1><p>{RULE_SUMMARY}</p>"
        "<p>本办法自印发之日起施行，由市卫生健康委员会负责解释。</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def _rule_filed() -> None:
    user, org = _admin(DEPARTMENT_ADMIN)
    rule = ConversionRule.objects.filter(org=org, title=RULE_TITLE).first()
    if rule is None:
        upload = SimpleUploadedFile("学时折算办法.pdf", demo_pdf(), content_type="application/pdf")
        rule = conversion_rule_submit(
            actor=user, org_id=org.pk, title=RULE_TITLE, summary=RULE_SUMMARY, upload=upload
        )
    if rule.status == FilingStatus.SUBMITTED:
        conversion_rule_file(actor=_office_admin(rule.filing_office_id), rule_id=rule.pk)


@transaction.atomic
def plans_demo_ensure() -> None:
    _plan_filed(UNIT_ADMIN, UNIT_ITEMS)
    _plan_filed(DEPARTMENT_ADMIN, DEPARTMENT_ITEMS)
    _rule_filed()
