"""Demo data for certificates (make run): the demo's issuing offices' approved seals (the
province and the two cities; 新华区's people get 平顶山's seal, 管理办法 第十二条), and 张伟
(login "demo") with filed hours for 2021–2025 and a rendered merged certificate, so that
printing and verification can be tried at once."""

from django.db import transaction

from accounts.demo import DEMO_PERSON_ID
from accounts.models import Person, User
from credits.demo import demo_declaration_submit
from credits.models import Declaration, PersonYear, ReviewStatus
from credits.services import review_batch
from orgtree.models import Org

from .models import CertificateIssue, Seal
from .services import (
    certificate_request,
    issue_render,
    seal_apply,
    seal_approve,
    seal_revoke,
    seal_text_default,
)

# (region of the office, its admin's username): the demo hierarchy's issuing HRSS offices.
SEAL_OFFICES = [
    ("410000", "hrss_province"),
    ("410400", "hrss_pds"),
    ("411100", "hrss_luohe"),
]
# 新华区 is an ordinary district: demo databases made before the issuance level was enforced
# gave its office a seal, which is stopped here.
XINHUA = "410402"
COUNTY_SEAL_END = "县（市、区）人社部门不单独启用专用章（管理办法第十二条），改用平顶山市专用章"
# 张伟's years: (year, public hours, professional hours); 2025 falls short of the 60.
DEMO_YEARS = [(2021, 30, 60), (2022, 32, 64), (2023, 30, 72), (2024, 36, 60), (2025, 30, 48)]
DEMO_REVIEWERS = ["unit_pds_hospital1", "dept_pds_health", "hrss_pds"]


def seals_ensure() -> None:
    province_admin = User.objects.get(username="hrss_province")
    county_seals = Seal.objects.filter(
        status=Seal.Status.APPROVED, office__kind=Org.Kind.HRSS, office__region_id=XINHUA
    )
    for seal_id in county_seals.values_list("pk", flat=True):
        seal_revoke(actor=province_admin, seal_id=seal_id, reason=COUNTY_SEAL_END)
    for region_code, username in SEAL_OFFICES:
        office = Org.objects.get(kind=Org.Kind.HRSS, region_id=region_code, status="approved")
        if Seal.objects.filter(office=office, status=Seal.Status.APPROVED).exists():
            continue
        seal = seal_apply(
            actor=User.objects.get(username=username),
            office_id=office.pk,
            text=seal_text_default(office),
            source=Seal.Source.GENERATED,
            letter="根据《河南省专业技术人员继续教育证书管理办法》，经研究，决定启用本地区专业技术人员"
            "继续教育证书专用章。特此申请。",
        )
        seal_approve(actor=province_admin, seal_id=seal.pk)


def _declare(user, *, year: int, category: str, hours: int, title: str) -> int:
    return demo_declaration_submit(
        user,
        evidence_name="证明材料.png",
        year=year,
        category=category,
        params={"hours": hours},
        title=title,
        organiser="平顶山市第一人民医院",
    )


def filed_years_ensure() -> Person:
    """张伟's declarations of 2021–2025, through the whole review chain to filing."""
    user = User.objects.get(id_number=DEMO_PERSON_ID)
    person = user.person
    done = set(
        PersonYear.objects.filter(person=person, filed_public__gt=0).values_list("year", flat=True)
    )
    ids = []
    for year, public, professional in DEMO_YEARS:
        if (
            year in done
            or Declaration.objects.filter(
                person=person, year=year, status=ReviewStatus.FILED
            ).exists()
        ):
            continue
        ids.append(
            _declare(
                user, year=year, category="public_course", hours=public, title="公需科目网络学习"
            )
        )
        ids.append(
            _declare(
                user, year=year, category="practice", hours=professional, title="临床进修与业务实践"
            )
        )
    for username in DEMO_REVIEWERS:
        review_batch(
            actor=User.objects.get(username=username),
            kind="declaration",
            ids=ids,
            action="approve",
            comment="演示数据：审核通过",
        )
    return person


def certificates_demo_ensure() -> None:
    # Filing first, committed on its own: its on-commit signal supersedes certificates, so a
    # certificate issued in the same transaction would be superseded at once.
    with transaction.atomic():
        seals_ensure()
        person = filed_years_ensure()
    with transaction.atomic():
        _merged_certificate_ensure(person)


def _merged_certificate_ensure(person: Person) -> None:
    first, last = DEMO_YEARS[0][0], DEMO_YEARS[-1][0]
    if CertificateIssue.objects.filter(
        person=person, first_year=first, last_year=last, status=CertificateIssue.Status.VALID
    ).exists():
        return
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=first, last_year=last, enqueue=False
    )
    # Rendered here rather than by the worker, so the certificate is there right after make run.
    issue_render(issue_id=issue.pk)
