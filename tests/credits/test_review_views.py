"""The reviewers' pages: per-row actions, the record page's scope, batches in the request and as
a job, and the hours a reviewer may set."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from credits.models import Declaration, ReviewEvent, ReviewStatus
from portal.models import Job, Notification
from tests.credits.views_support import (
    THIS_YEAR,
    bulk_declarations,
    declaration,
    evidence,
    exemption,
    image_bytes,
)
from tests.factories import make_person

S = ReviewStatus
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def act_url(record, action, kind="declaration"):
    return reverse("credits:review-act", args=[kind, record.pk, action])


def detail_url(record, kind="declaration"):
    return reverse("credits:review-detail", args=[kind, record.pk])


@pytest.fixture
def person(tree):
    return make_person(tree.hospital1, cert_no="4104000000002")


@pytest.fixture
def submitted(person):
    return declaration(person, status=S.SUBMITTED, submitted_at=timezone.now())


def test_the_chain_through_the_views(client, tree, person, submitted):
    client.force_login(tree.admins["hospital1"])
    response = client.post(act_url(submitted, "approve"))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.UNIT_APPROVED
    client.force_login(tree.admins["health"])
    client.post(act_url(submitted, "approve"))
    client.force_login(tree.admins["pds"])
    response = client.post(act_url(submitted, "approve"), {"next": "/credits/review/?kind=x"})
    assert response["Location"] == "/credits/review/?kind=x"
    submitted.refresh_from_db()
    assert submitted.status == S.FILED
    events = list(
        ReviewEvent.objects.filter(declaration=submitted).values_list("action", flat=True)
    )
    assert events == ["approve", "approve", "file"]
    note = Notification.objects.get(user=person.user)
    assert "已备案" in note.title and note.link == reverse(
        "credits:declaration-detail", args=[submitted.pk]
    )
    assert person.years.get(year=THIS_YEAR).filed_professional == submitted.claimed_hours


@pytest.mark.parametrize("action, status", [("return", S.RETURNED), ("reject", S.REJECTED)])
def test_return_and_reject_need_a_reason(client, tree, person, submitted, action, status):
    client.force_login(tree.admins["hospital1"])
    form = client.get(act_url(submitted, action))
    assert form.status_code == 200 and "原因" in form.content.decode()
    refused = client.post(act_url(submitted, action), {"comment": "  "})
    assert refused.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and not ReviewEvent.objects.exists()
    client.post(act_url(submitted, action), {"comment": "证明材料不清晰"})
    submitted.refresh_from_db()
    assert submitted.status == status
    event = ReviewEvent.objects.get(declaration=submitted)
    assert event.comment == "证明材料不清晰" and event.actor == tree.admins["hospital1"]
    assert Notification.objects.get(user=person.user).body == "证明材料不清晰"


def test_a_step_that_is_not_theirs_is_refused(client, tree, submitted):
    client.force_login(tree.admins["health"])  # the department acting at the unit step
    response = client.post(act_url(submitted, "approve"))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


@pytest.mark.parametrize("name", ["hospital2", "school", "edu", "xinhua", "lh", "lh_health"])
def test_out_of_scope_record_page_and_actions_answer_404(client, tree, submitted, name):
    client.force_login(tree.admins[name])
    assert client.get(detail_url(submitted)).status_code == 404
    assert client.post(act_url(submitted, "approve")).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_professionals_get_no_review_page(client, tree, person, submitted):
    client.force_login(person.user)  # their own record, but not for review
    assert client.get(detail_url(submitted)).status_code == 403
    other = make_person(tree.hospital1)
    client.force_login(other.user)
    assert client.get(detail_url(submitted)).status_code == 403


def test_a_unit_admin_of_a_county_unit_sees_only_theirs(client, tree):
    record = declaration(make_person(tree.xinhua_unit), status=S.SUBMITTED, has_department=False)
    client.force_login(tree.admins["civil"])
    assert client.get(detail_url(record)).status_code == 404
    client.force_login(tree.admins["xinhua_unit"])
    assert client.get(detail_url(record)).status_code == 200


def test_the_record_page_shows_the_person_evidence_and_the_forms(client, tree, person):
    submitted = declaration(person)
    evidence(submitted, content=image_bytes(), name="结业证书.png")
    evidence(submitted)
    Declaration.objects.filter(pk=submitted.pk).update(
        status=S.SUBMITTED, submitted_at=timezone.now()
    )
    client.force_login(tree.admins["hospital1"])
    response = client.get(detail_url(submitted))
    html = response.content.decode()
    assert person.user.id_number in html and "4104000000002" in html
    assert "结业证书.png" in html and "证明.pdf" in html
    assert reverse("credits:evidence-thumb", args=[submitted.evidence.first().pk]) in html
    assert [item["action"] for item in response.context["action_forms"]] == [
        "approve",
        "return",
        "reject",
    ]
    client.force_login(tree.admins["pds"])  # in scope but not their step
    response = client.get(detail_url(submitted))
    assert response.status_code == 200 and response.context["action_forms"] == []


def test_hrss_revokes_a_filed_record(client, tree, person):
    record = declaration(person, status=S.FILED)
    client.force_login(tree.admins["pds"])
    response = client.get(detail_url(record))
    assert [item["action"] for item in response.context["action_forms"]] == ["revoke"]
    assert client.post(act_url(record, "revoke")).status_code == 400
    client.post(act_url(record, "revoke"), {"comment": "抽查发现材料不实"})
    record.refresh_from_db()
    assert record.status == S.REVOKED


def test_exemptions_are_reviewed_the_same_way(client, tree, person):
    record = exemption(person, status=S.SUBMITTED)
    client.force_login(tree.admins["hospital1"])
    assert client.get(detail_url(record, "exemption")).status_code == 200
    client.post(act_url(record, "approve", "exemption"))
    record.refresh_from_db()
    assert record.status == S.UNIT_APPROVED


# --- Hours set by the reviewer -----------------------------------------------------------------


def test_lower_hours_with_a_reason(client, tree, submitted):
    client.force_login(tree.admins["hospital1"])
    client.post(
        act_url(submitted, "approve"), {"approved_hours": "6", "hours_reason": "只参加一天"}
    )
    submitted.refresh_from_db()
    assert submitted.status == S.UNIT_APPROVED
    assert submitted.approved_hours == Decimal("6") and submitted.approved_reason == "只参加一天"


def test_lower_hours_without_a_reason_are_refused(client, tree, submitted):
    client.force_login(tree.admins["hospital1"])
    response = client.post(act_url(submitted, "approve"), {"approved_hours": "6"})
    assert response.status_code == 400
    assert "原因" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and submitted.approved_hours is None


def test_higher_hours_for_a_computed_category_are_refused(client, tree, submitted):
    assert submitted.basis == "computed"
    client.force_login(tree.admins["hospital1"])
    response = client.post(
        act_url(submitted, "approve"), {"approved_hours": "40", "hours_reason": "多算"}
    )
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


# --- Batches -------------------------------------------------------------------------------------


def batch_url(kind="declaration"):
    return reverse("credits:review-batch", args=[kind])


def test_batch_in_the_request_with_confirmation(client, tree, person):
    records = [declaration(person, status=S.SUBMITTED) for _ in range(3)]
    outsider = declaration(make_person(tree.hospital2), status=S.SUBMITTED)
    ids = [r.pk for r in records] + [outsider.pk]
    client.force_login(tree.admins["hospital1"])
    confirm = client.post(batch_url(), {"ids": ids, "action": "approve"})
    assert confirm.status_code == 200
    assert "确认批量通过 4 条" in confirm.content.decode()
    assert Declaration.objects.filter(status=S.UNIT_APPROVED).count() == 0
    response = client.post(batch_url(), {"ids": ids, "action": "approve", "confirmed": "1"})
    assert response.status_code == 302
    assert set(Declaration.objects.filter(status=S.UNIT_APPROVED).values_list("pk", flat=True)) == {
        r.pk for r in records
    }
    outsider.refresh_from_db()
    assert outsider.status == S.SUBMITTED
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[0] == (
        "批量通过：已处理 3 条；另有 1 条未处理：记录不存在或不在您的管辖范围内（1 条）。"
    )


def test_batch_return_needs_a_comment(client, tree, person):
    record = declaration(person, status=S.SUBMITTED)
    client.force_login(tree.admins["hospital1"])
    client.post(batch_url(), {"ids": [record.pk], "action": "return", "confirmed": "1"})
    record.refresh_from_db()
    assert record.status == S.SUBMITTED
    client.post(
        batch_url(),
        {"ids": [record.pk], "action": "return", "comment": "请补充材料", "confirmed": "1"},
    )
    record.refresh_from_db()
    assert record.status == S.RETURNED


def test_batch_get_is_not_allowed(client, tree):
    client.force_login(tree.admins["hospital1"])
    assert client.get(batch_url()).status_code == 405


def test_all_matching_the_filter(client, tree, person):
    this_year = [declaration(person, status=S.SUBMITTED) for _ in range(3)]
    last_year = declaration(person, status=S.SUBMITTED, year=THIS_YEAR - 1)
    client.force_login(tree.admins["hospital1"])
    data = {"select_all": "1", "filter": f"kind=declaration&year={THIS_YEAR}", "action": "approve"}
    confirm = client.post(batch_url(), data)
    assert confirm.context["count"] == 3
    client.post(batch_url(), {**data, "confirmed": "1"})
    assert set(Declaration.objects.filter(status=S.UNIT_APPROVED).values_list("pk", flat=True)) == {
        r.pk for r in this_year
    }
    last_year.refresh_from_db()
    assert last_year.status == S.SUBMITTED


def _confirmed_as_job(client, data, capture_on_commit, *, moved: int) -> Job:
    """Confirms the batch; it runs as a job (inline here) that moves ``moved`` rows."""
    with capture_on_commit(execute=True):
        response = client.post(batch_url(), {**data, "confirmed": "1"})
    job = Job.objects.get(kind="credits.review_batch")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["moved"] == moved
    return job


def test_a_large_batch_runs_as_a_job(client, tree, person, django_capture_on_commit_callbacks):
    bulk_declarations(
        [person],
        600,
        status=S.SUBMITTED,
        category="public_course",
        hours=lambda _: 1,
        submitted_at=timezone.now(),
    )
    client.force_login(tree.admins["hospital1"])
    data = {"select_all": "1", "filter": "kind=declaration", "action": "approve"}
    confirm = client.post(batch_url(), data)
    assert confirm.context["count"] == 600 and confirm.context["in_background"]
    job = _confirmed_as_job(client, data, django_capture_on_commit_callbacks, moved=600)
    assert job.params["action"] == "approve" and len(job.params["ids"]) == 600
    assert Declaration.objects.filter(status=S.UNIT_APPROVED).count() == 600
    assert ReviewEvent.objects.count() == 600


def test_the_inline_limit_is_the_setting(
    client, tree, person, settings, django_capture_on_commit_callbacks
):
    records = [declaration(person, status=S.SUBMITTED) for _ in range(3)]
    data = {"ids": [r.pk for r in records], "action": "approve"}
    client.force_login(tree.admins["hospital1"])
    settings.REVIEW_BATCH_INLINE_MAX = 3
    assert not client.post(batch_url(), data).context["in_background"]
    settings.REVIEW_BATCH_INLINE_MAX = 2
    assert client.post(batch_url(), data).context["in_background"]
    _confirmed_as_job(client, data, django_capture_on_commit_callbacks, moved=3)
    assert Declaration.objects.filter(status=S.UNIT_APPROVED).count() == 3


def test_home_page_shows_the_queue_counts(client, tree, person, submitted):
    exemption(person, status=S.SUBMITTED)
    client.force_login(tree.admins["hospital1"])
    html = client.get(reverse("home")).content.decode()
    assert "待我处理" in html
    assert 'data-testid="waiting-review-declaration">1<' in html
    assert 'data-testid="waiting-review-exemption">1<' in html
    client.force_login(person.user)
    assert "待我处理" not in client.get(reverse("home")).content.decode()


def test_the_queue_says_file_where_the_approval_files(client, tree, person):
    """HRSS files (备案); the unit and the department approve (通过)."""
    declaration(person, status=S.DEPT_APPROVED)
    declaration(person, status=S.SUBMITTED)
    queue = reverse("credits:review-queue")
    client.force_login(tree.admins["pds"])
    hrss = client.get(queue).content.decode()
    assert ">备案</button>" in hrss and ">通过</button>" not in hrss
    client.force_login(tree.admins["hospital1"])
    unit = client.get(queue).content.decode()
    assert ">通过</button>" in unit and ">备案</button>" not in unit
