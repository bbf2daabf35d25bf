"""What the intake tests share: files of rows, upload and commit through the pages, the
report's outcome by line; the push API's token, record and push."""

import io
import json
import re

from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from credits.intake.tokens import api_token_issue
from credits.models import ReviewStatus
from tests.credits.views_support import upload

URL = "/api/v1/completions"
TOKEN = re.compile(r"cep_[A-Za-z0-9_-]{43}")
LAST_YEAR = timezone.localdate().year - 1
COMPLETED = f"{LAST_YEAR}-05-01"


def token_of(tree, *, recognised=False, actor=None):
    """A token of the tree's institution (平顶山市继续教育基地), issued by the province."""
    actor = actor or tree.admins["province"]
    return api_token_issue(
        actor=actor, institution_id=tree.institution.pk, name="豫继教在线", recognised=recognised
    )


def record(person, **fields):
    values = {
        "external_id": "course-1001",
        "id_number": person.user.id_number,
        "name": person.user.name,
        "subject": "public",
        "title": f"{LAST_YEAR}年度公需科目：数字经济",
        "hours": 2.5,
        "completed_on": COMPLETED,
    }
    return values | fields


def push(client, plain, records, **extra):
    body = records if isinstance(records, str | bytes) else json.dumps({"records": records})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"} if plain else {}
    return client.post(URL, data=body, content_type="application/json", **headers | extra)


# --- Files through the import pages -------------------------------------------------------------

S = ReviewStatus
HEADERS = [
    "身份证号",
    "姓名",
    "年度",
    "学时类别",
    "项目名称",
    "开始日期",
    "申报学时",
    "实际天数",
    "培训项目",
]
TRAINING = "用人单位组织的本单位专业科目培训"
CONFERENCE = "参加国家部委举办的学术活动"
# The item of the units' filed 2025 plans that TRAINING rows name (tests/credits/plan_support.py).
PLANNED = "院内培训"


def xlsx(rows, headers=HEADERS, title_rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in title_rows:
        sheet.append(row)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def person_row(
    person,
    *,
    category=TRAINING,
    title="院内培训",
    start="2025-03-01",
    hours="8",
    days="",
    plan=PLANNED,
):
    """A row of HEADERS; a TRAINING row names the item ``plan`` of the unit's 2025 plan."""
    number, name = person.user.id_number, person.user.name
    return [number, name, "2025", category, title, start, hours, days, plan]


def post_file(client, kind, content, name="批量申报.xlsx", capture=None, **extra):
    url = reverse("credits:import-create", args=[kind])
    with capture(execute=True):
        return client.post(url, {"file": upload(name, content), **extra})


def commit(client, batch, capture):
    url = reverse("credits:import-commit", args=[batch.pk])
    assert client.get(url).status_code == 200  # the confirmation page
    with capture(execute=True):
        return client.post(url)


def messages_by_line(batch) -> dict[int, tuple[str, str]]:
    return {row.line: (row.status, row.errors) for row in batch.rows.order_by("line")}
