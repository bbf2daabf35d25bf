"""Demo data for credits (make run): 张伟 (login "demo") has a submitted declaration of this
year, waiting for 平顶山市第一人民医院's review, so that the review chain can be tried at once.
Runs after the accounts' loader has made the people; idempotent."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PERSON_ID
from accounts.models import User

from .models import Declaration, TrainingProgramme
from .services import declaration_create, declaration_evidence_add, declaration_submit

DEMO_DECLARATION_TITLE = "全国医院感染管理学术年会"
DEMO_INSTITUTION_ADMIN = "inst_pds_base"
DEMO_PROGRAMME_TITLE = "平顶山市卫生专业技术人员知识更新培训班"


def demo_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (29, 79, 145)).save(buffer, "PNG")
    return buffer.getvalue()


def demo_declaration_submit(user, *, evidence_name: str, **fields) -> int:
    """One submitted declaration of the demo, with a picture as its evidence; its id."""
    fields = {"start_date": None, "end_date": None, "description": "", **fields}
    declaration = declaration_create(actor=user, **fields)
    upload = SimpleUploadedFile(evidence_name, demo_png(), content_type="image/png")
    declaration_evidence_add(actor=user, declaration_id=declaration.pk, upload=upload)
    declaration_submit(actor=user, declaration_id=declaration.pk)
    return declaration.pk


@transaction.atomic
def credits_demo_ensure() -> None:
    """张伟's submitted declaration of this year, and the institution's programme."""
    programme_demo_ensure()
    user = User.objects.get(id_number=DEMO_PERSON_ID)
    if Declaration.objects.filter(person__user=user, title=DEMO_DECLARATION_TITLE).exists():
        return
    demo_declaration_submit(
        user,
        evidence_name="会议通知.png",
        year=timezone.localdate().year,
        category="conference_national",
        params={"days": 2, "presented_paper": True},
        title=DEMO_DECLARATION_TITLE,
        organiser="中华预防医学会",
        description="参加年会并宣读论文。",
    )


def programme_demo_ensure() -> None:
    """The demo institution's training programme of this year, ready for its results upload
    (批量导入 › 培训成绩上报)."""
    from .intake.programmes import programme_save

    admin = User.objects.filter(username=DEMO_INSTITUTION_ADMIN).first()
    if admin is None or TrainingProgramme.objects.filter(title=DEMO_PROGRAMME_TITLE).exists():
        return
    today = timezone.localdate()
    start = today.replace(month=3, day=10) if today.month > 3 else today.replace(month=1, day=5)
    programme_save(
        actor=admin,
        title=DEMO_PROGRAMME_TITLE,
        category="training_base",
        start_date=start,
        end_date=start.replace(day=start.day + 2),
        hours="24",
        approver="平顶山市人力资源和社会保障局",
        document_no=f"平人社继教〔{today.year}〕3号",
    )


def statistics_demo_build() -> None:
    """The statistics of every year the demo has people's hours in (as the nightly rebuild
    leaves them), so that the home pages' snapshots and 统计分析 show the demo at once."""
    from .models import PersonYear
    from .services.statistics import statistics_rebuild

    years = set(PersonYear.objects.values_list("year", flat=True).distinct())
    years |= set(Declaration.objects.values_list("year", flat=True).distinct())
    for year in sorted(years | {timezone.localdate().year}):
        statistics_rebuild(year=year)
