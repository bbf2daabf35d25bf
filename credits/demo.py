"""Demo data for credits (make run): 张伟 (login "demo") has a submitted declaration of this
year, waiting for 平顶山市第一人民医院's review, so that the review chain can be tried at once.
Runs after the accounts' loader has made the people; idempotent."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PERSON_ID
from accounts.models import User

from .models import Declaration
from .services import declaration_create, declaration_evidence_add, declaration_submit

DEMO_DECLARATION_TITLE = "全国医院感染管理学术年会"


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
    """张伟's submitted declaration of this year."""
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
