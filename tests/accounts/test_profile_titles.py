"""职称变更 (issue 17): a person asks with an effective year and evidence; the unit's admin
approves (the level changes, the history is kept, the person is told, and credits hears of it
after the commit) or rejects with a reason; the person can withdraw while it is pending."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.history import history_of
from accounts.models import Person, TitleChange
from accounts.services import (
    title_change_approve,
    title_change_reject,
    title_change_request,
    title_change_withdraw,
)
from portal.models import AuditLog, Notification
from tests.accounts.conftest import messages_of, page_text
from tests.accounts.profile_support import (  # noqa: F401 (the *_fixture: fixtures)
    LAST_YEAR,
    ask_title,
    fake,
    media_fixture,
    pdf,
    person_fixture,
    png,
    sent_fixture,
)
from tests.factories import make_person

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
ASK = reverse("accounts:title-change-request")


def level_of(person) -> str:
    return Person.objects.values_list("title_level", flat=True).get(pk=person.pk)


def errors_of(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


# --- Asking ---------------------------------------------------------------------------------------


def test_the_person_asks_through_the_form(client, tree, person):
    client.force_login(person.user)
    page = page_text(client.get(ASK))
    assert 'enctype="multipart/form-data"' in page and "中级" in page
    data = {
        "title_level": "associate_senior",
        "effective_year": str(LAST_YEAR),
        "reason": "2024 年取得副高级职称",
        "evidence": png(),
    }
    response = client.post(ASK, data)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:me")
    change = TitleChange.objects.get()
    assert (change.person, change.status, change.title_level) == (
        person,
        "pending",
        "associate_senior",
    )
    assert change.effective_year == LAST_YEAR and change.org_path == tree.hospital1.path
    assert change.evidence.name.endswith(".png") and "证书" not in change.evidence.name
    assert level_of(person) == "intermediate"  # nothing changes before the unit approves
    admin = tree.admins["hospital1"]
    assert Notification.objects.filter(user=admin, title="有职称变更申请待审核").exists()
    assert AuditLog.objects.filter(action="person.title_change.request").count() == 1
    # While pending the page offers no second form.
    assert 'data-testid="pending-request"' in page_text(client.get(ASK))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"level": "intermediate"}, "title_level", "当前职称级别已是“中级”"),
        ({"level": "chief"}, "title_level", "请选择"),
        ({"year": THIS_YEAR + 1}, "effective_year", "不能晚于今年"),
        ({"year": 1900}, "effective_year", "不能早于出生年份"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(person, media, values, field, message):
    with pytest.raises(ValidationError) as caught:
        ask_title(person, **values)
    assert message in " ".join(errors_of(caught.value)[field])
    assert not TitleChange.objects.exists()
    assert not any(media.rglob("*.pdf"))


def test_the_evidence_is_required_and_checked_by_content(client, person, media):
    with pytest.raises(ValidationError) as caught:
        title_change_request(
            person=person, title_level="senior", effective_year=LAST_YEAR, evidence=None
        )
    assert "证明材料" in errors_of(caught.value)["evidence"][0]
    client.force_login(person.user)
    data = {"title_level": "senior", "effective_year": str(LAST_YEAR), "evidence": fake()}
    response = client.post(ASK, data)
    assert response.status_code == 400
    assert "不是 PDF、JPEG 或 PNG 文件" in page_text(response)
    assert not TitleChange.objects.exists() and not any(media.rglob("*.*"))


def test_one_pending_request_per_person(person):
    ask_title(person)
    with pytest.raises(ValidationError, match="已有一条待单位审核的职称变更申请"):
        ask_title(person, level="senior")
    assert TitleChange.objects.count() == 1


def test_the_year_cannot_go_back_before_the_latest_approved_change(tree, person):
    admin = tree.admins["hospital1"]
    title_change_approve(actor=admin, change_id=ask_title(person, year=LAST_YEAR).pk)
    with pytest.raises(ValidationError) as caught:
        ask_title(person, level="senior", year=LAST_YEAR - 1)
    assert f"（{LAST_YEAR} 年）" in errors_of(caught.value)["effective_year"][0]
    assert ask_title(person, level="senior", year=LAST_YEAR).status == "pending"


def test_a_person_still_pending_cannot_ask(tree, media):
    pending = make_person(tree.hospital1, status="pending")
    with pytest.raises(ValidationError, match="通过审核后"):
        ask_title(pending)


# --- Deciding -------------------------------------------------------------------------------------


def test_approval_changes_the_level_and_keeps_the_history(
    tree, person, sent, django_capture_on_commit_callbacks
):
    change = ask_title(person, year=LAST_YEAR)
    admin = tree.admins["hospital1"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decided = title_change_approve(actor=admin, change_id=change.pk)
    assert len(callbacks) >= 1
    assert (decided.status, decided.decided_by, decided.previous_level) == (
        "approved",
        admin,
        "intermediate",
    )
    assert level_of(person) == "associate_senior"
    history = history_of(person)
    assert history.title_level_in(LAST_YEAR) == "associate_senior"
    assert history.title_level_in(LAST_YEAR - 1) == "intermediate"
    assert sent == [("history", TitleChange, person.pk, LAST_YEAR)]
    audit = AuditLog.objects.get(action="person.title_change.approve")
    assert audit.actor == admin and audit.detail["to"] == "associate_senior"
    told = Notification.objects.get(user=person.user, title="您的职称变更申请已通过")
    assert f"自 {LAST_YEAR} 年度起" in told.body


def test_nothing_is_sent_when_the_approval_rolls_back(
    tree, person, sent, django_capture_on_commit_callbacks
):
    change = ask_title(person)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Http404):
        title_change_approve(actor=tree.admins["hospital2"], change_id=change.pk)
    assert sent == [] and level_of(person) == "intermediate"


def test_the_previous_level_is_read_when_approved(tree, person):
    change = ask_title(person, level="senior")
    Person.objects.filter(pk=person.pk).update(title_level="associate_senior")
    decided = title_change_approve(actor=tree.admins["hospital1"], change_id=change.pk)
    assert decided.previous_level == "associate_senior" and level_of(person) == "senior"


def test_an_approval_that_changes_nothing_is_refused(tree, person):
    change = ask_title(person, level="senior")
    Person.objects.filter(pk=person.pk).update(title_level="senior")
    with pytest.raises(ValidationError, match="请退回此申请"):
        title_change_approve(actor=tree.admins["hospital1"], change_id=change.pk)
    assert TitleChange.objects.get().status == "pending"


def test_a_request_is_decided_once(tree, person):
    change = ask_title(person)
    title_change_approve(actor=tree.admins["hospital1"], change_id=change.pk)
    with pytest.raises(ValidationError, match="已处理（已通过）"):
        title_change_reject(actor=tree.admins["health"], change_id=change.pk, reason="重复")
    with pytest.raises(ValidationError, match="不能撤回"):
        title_change_withdraw(person=person, change_id=change.pk)


def test_a_person_who_moved_away_is_not_decided_by_the_old_unit(tree, person):
    change = ask_title(person)
    Person.objects.filter(pk=person.pk).update(unit=tree.hospital2, org_path=tree.hospital2.path)
    with pytest.raises(ValidationError, match="已调往其他单位"):
        title_change_approve(actor=tree.admins["health"], change_id=change.pk)
    rejected = title_change_reject(actor=tree.admins["health"], change_id=change.pk, reason="调走")
    assert rejected.status == "rejected"


def test_rejection_needs_a_reason_and_tells_the_person(tree, person):
    change = ask_title(person)
    admin = tree.admins["hospital1"]
    with pytest.raises(ValidationError):
        title_change_reject(actor=admin, change_id=change.pk, reason="  ")
    rejected = title_change_reject(actor=admin, change_id=change.pk, reason="证书不清晰")
    assert (rejected.status, rejected.reject_reason) == ("rejected", "证书不清晰")
    assert level_of(person) == "intermediate"
    told = Notification.objects.get(user=person.user, title="您的职称变更申请未通过")
    assert "证书不清晰" in told.body
    # Rejected: the person may ask again.
    assert ask_title(person).status == "pending"


def test_the_person_withdraws_a_pending_request_from_their_page(client, tree, person):
    change = ask_title(person)
    client.force_login(person.user)
    page = page_text(client.get(reverse("accounts:me")))
    withdraw = reverse("accounts:title-change-withdraw", args=[change.pk])
    assert withdraw in page and 'data-testid="pending-title-change"' in page
    response = client.post(withdraw, follow=True)
    assert "已撤回职称变更申请。" in messages_of(response)
    assert TitleChange.objects.get().status == "withdrawn"
    other = make_person(tree.hospital1)
    client.force_login(other.user)  # someone else's request: refused, untouched
    theirs = ask_title(person)
    client.post(reverse("accounts:title-change-withdraw", args=[theirs.pk]))
    assert TitleChange.objects.get(pk=theirs.pk).status == "pending"


def test_the_profile_shows_the_history_in_words(client, tree, person):
    admin = tree.admins["hospital1"]
    title_change_approve(actor=admin, change_id=ask_title(person, year=LAST_YEAR - 3).pk)
    title_change_approve(
        actor=admin, change_id=ask_title(person, level="senior", year=LAST_YEAR).pk
    )
    client.force_login(person.user)
    page = page_text(client.get(reverse("accounts:me")))
    assert (
        f"{LAST_YEAR - 4} 年度及以前：中级；{LAST_YEAR - 3}—{LAST_YEAR - 1} 年度：副高级；"
        f"{LAST_YEAR} 年度起：正高级" in page
    )
    assert 'data-testid="title-level">正高级<' in page
