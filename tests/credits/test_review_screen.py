"""The review screen's own help for reviewers: the batch action named as the rows name it
(备案 at the HRSS step), a batch's outcome with the reasons rows were skipped (on the page and
on a background job's page), and each row's evidence on the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credits.models import Declaration, ReviewStatus
from credits.selectors_review import approve_word, batch_skipped
from portal.models import Job
from tests.credits.views_support import declaration, evidence, image_bytes
from tests.factories import UserFactory, make_person

S = ReviewStatus
pytestmark = pytest.mark.django_db
QUEUE = reverse("credits:review-queue")
BATCH = reverse("credits:review-batch", args=["declaration"])
ALREADY_FILED = "当前状态为“已备案”，不在您的审核环节（可能已被他人处理）"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person(tree):
    return make_person(tree.hospital1)


def submitted(person, **fields):
    return declaration(person, status=S.SUBMITTED, submitted_at=timezone.now(), **fields)


def test_the_approval_is_named_for_the_step(tree):
    assert approve_word(tree.admins["pds"]) == "备案"
    assert approve_word(tree.admins["province"]) == "备案"
    assert approve_word(tree.admins["hospital1"]) == "通过"
    assert approve_word(tree.admins["health"]) == "通过"


def test_the_batch_form_says_file_at_the_hrss_step(client, tree, person):
    declaration(person, status=S.DEPT_APPROVED, submitted_at=timezone.now())
    client.force_login(tree.admins["pds"])
    html = client.get(QUEUE).content.decode()
    assert '<option value="approve">备案</option>' in html
    confirm = client.post(BATCH, {"ids": [Declaration.objects.get().pk], "action": "approve"})
    assert "确认批量备案 1 条" in confirm.content.decode()
    submitted(person)
    client.force_login(tree.admins["hospital1"])
    assert '<option value="approve">通过</option>' in client.get(QUEUE).content.decode()


def test_a_batch_says_how_many_moved_and_why_the_others_did_not(client, tree, person):
    waiting = [submitted(person) for _ in range(2)]
    done = declaration(person, status=S.FILED)
    neighbour = submitted(make_person(tree.hospital2))
    ids = [row.pk for row in waiting] + [done.pk, neighbour.pk, 999_999]
    client.force_login(tree.admins["hospital1"])
    response = client.post(BATCH, {"ids": ids, "action": "approve", "confirmed": "1"})
    assert response.status_code == 302
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert message == (
        "批量通过：已处理 2 条；另有 3 条未处理："
        f"{ALREADY_FILED}（1 条）；记录不存在或不在您的管辖范围内（2 条）。"
    )
    # The rows that were not the admin's stayed as they were.
    neighbour.refresh_from_db()
    assert neighbour.status == S.SUBMITTED


def test_the_reviewers_own_record_is_named_as_the_reason(tree):
    admin = tree.admins["hospital1"]
    admin.id_number = UserFactory.build().id_number  # the admin is also one of the unit's people
    admin.save(update_fields=["id_number"])
    own = submitted(make_person(tree.hospital1, user=admin))
    assert batch_skipped(admin, "declaration", [own.pk], moved=[]) == {
        "为您本人的记录，不能由本人审核": 1
    }
    assert batch_skipped(admin, "declaration", [own.pk], moved=[own.pk]) == {}


def test_a_background_batch_shows_its_outcome_on_the_job_page(
    client, tree, person, settings, django_capture_on_commit_callbacks
):
    settings.REVIEW_BATCH_INLINE_MAX = 1
    rows = [submitted(person) for _ in range(3)]
    rows[0].status = S.FILED
    rows[0].save(update_fields=["status"])
    client.force_login(tree.admins["hospital1"])
    data = {"ids": [row.pk for row in rows], "action": "approve", "confirmed": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BATCH, data)
    job = Job.objects.get(kind="credits.review_batch")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    summary = f"批量通过：已处理 2 条；另有 1 条未处理：{ALREADY_FILED}（1 条）。"
    assert f'data-testid="job-summary">{summary}</p>' in page


def submit(record) -> None:
    """Evidence is attached while a record is a draft; then it waits for review."""
    Declaration.objects.filter(pk=record.pk).update(status=S.SUBMITTED, submitted_at=timezone.now())


def test_each_row_shows_its_evidence_to_open_in_place(client, tree, person):
    record = declaration(person)
    image = evidence(record, content=image_bytes(), name="会议通知.png")
    pdf = evidence(record)
    submit(record)
    client.force_login(tree.admins["hospital1"])
    html = client.get(QUEUE).content.decode()
    image_url = reverse("credits:evidence", args=[image.pk])
    assert f'href="{image_url}" class="rv-thumb"' in html
    assert reverse("credits:evidence-thumb", args=[image.pk]) in html
    assert f'href="{reverse("credits:evidence", args=[pdf.pk])}" class="rv-file"' in html
    # A neighbour's admin sees neither the row nor its files.
    client.force_login(tree.admins["hospital2"])
    assert image_url not in client.get(QUEUE).content.decode()
    assert client.get(image_url).status_code == 404


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(QUEUE).status_code == 200
    return len(context.captured_queries)


def test_evidence_costs_one_query_whatever_the_rows_hold(client, tree, person):
    rows = [declaration(person) for _ in range(3)]
    for row in rows:
        submit(row)
    client.force_login(tree.admins["hospital1"])
    client.get(reverse("home"))  # the site name is cached after the first request
    without = _queue_queries(client)
    Declaration.objects.update(status=S.DRAFT)
    for row in rows:
        evidence(row)
        evidence(row, content=image_bytes(), name="照片.png")
        submit(row)
    assert _queue_queries(client) == without
