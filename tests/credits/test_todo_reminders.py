"""待办事项's 发送提醒: confirmation, the messages the people or admins then see, the Reminder
and audit rows, the scope of what may be reminded, and a large reminder as a job."""

import pytest
from django.urls import reverse

from credits.models import Reminder, ReviewStatus
from portal.models import AuditLog, Job, Notification
from tests.credits.test_todo import summary, waiting_since
from tests.credits.views_support import THIS_YEAR, declaration, requirement_rows
from tests.factories import make_admin, make_org, make_person

pytestmark = pytest.mark.django_db
S = ReviewStatus
REMIND = "credits:todo-remind"


@pytest.fixture(autouse=True)
def _requirements(db):
    requirement_rows()


def remind(client, user, data: dict):
    client.force_login(user)
    return client.post(reverse(REMIND), data)


def test_a_unit_admin_reminds_a_person_who_then_sees_it(client, tree):
    nurse = make_person(tree.hospital1)
    summary(nurse, public=10, professional=20)
    other = make_person(tree.hospital1)  # on the list, not ticked
    filter_query = f"list=incomplete&year={THIS_YEAR}"
    data = {"filter": filter_query, "ids": [nurse.pk]}
    confirm = remind(client, tree.admins["hospital1"], data)
    assert confirm.status_code == 200 and confirm.context["count"] == 1
    assert not Notification.objects.exists()  # nothing is sent before the confirmation

    response = client.post(reverse(REMIND), {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("credits:todo") + f"?{filter_query}"
    message = Notification.objects.get()
    assert message.user == nurse.user
    assert message.title == f"{THIS_YEAR} 年度继续教育学时尚未达标"
    assert "尚差公需科目 20 学时、专业科目 40 学时、总学时 60 学时" in message.body
    assert not Notification.objects.filter(user=other.user).exists()

    reminder = Reminder.objects.get()
    assert reminder.actor == tree.admins["hospital1"]
    assert reminder.list_kind == "incomplete" and reminder.targets == reminder.recipients == 1
    assert reminder.params["ids"] == [nurse.pk] and reminder.org_path == tree.hospital1.path
    assert reminder.params["filters"] == {"list": "incomplete", "year": THIS_YEAR}
    audit = AuditLog.objects.get(action="todo.remind")
    assert audit.actor == tree.admins["hospital1"] and audit.target == f"reminder:{reminder.pk}"

    client.force_login(nurse.user)
    page = client.get(reverse("notifications")).content.decode()
    assert f"{THIS_YEAR} 年度继续教育学时尚未达标" in page


def test_only_people_on_the_list_and_in_scope_are_reminded(client, tree):
    neighbour = make_person(tree.lh_hospital)
    done = make_person(tree.hospital1)
    summary(done, public=30, professional=60)
    data = {"filter": "list=incomplete", "ids": [neighbour.pk, done.pk], "confirmed": "1"}
    response = remind(client, tree.admins["pds"], data)
    assert response.status_code == 302
    assert not Notification.objects.exists() and not Reminder.objects.exists()
    outside = {"filter": f"list=incomplete&org={tree.lh_hospital.pk}", "select_all": "1"}
    remind(client, tree.admins["pds"], {**outside, "confirmed": "1"})
    assert not Notification.objects.exists() and not Reminder.objects.exists()


def test_two_years_reminder_names_the_rule(client, tree):
    person = make_person(tree.school)
    remind(
        client,
        tree.admins["edu"],
        {"filter": "list=two_years", "select_all": "1", "confirmed": "1"},
    )
    message = Notification.objects.get(user=person.user)
    assert message.title == f"{THIS_YEAR - 1}、{THIS_YEAR} 年度继续教育学时均未达标"
    assert "不得确定为合格" in message.body


def test_waiting_reminder_goes_to_the_reviewers_admins(client, tree):
    nurse = make_person(tree.hospital1)
    waiting_since(declaration(nurse, status=S.SUBMITTED), 20)
    waiting_since(declaration(nurse, status=S.DEPT_APPROVED), 20)
    second = make_admin(tree.hospital1)
    data = {"filter": "list=waiting", "select_all": "1", "confirmed": "1"}
    remind(client, tree.admins["pds"], data)
    users = set(Notification.objects.values_list("user_id", flat=True))
    assert users == {tree.admins["hospital1"].pk, second.pk, tree.admins["pds"].pk}
    assert Reminder.objects.get().recipients == 3
    assert nurse.user_id not in users


def test_units_reminder_goes_to_the_unit_or_the_org_above(client, tree):
    orphan = make_org("unit", tree.health, name="无管理员的医院")
    declaration(make_person(tree.hospital1), status=S.SUBMITTED)
    data = {"filter": "list=units", "ids": [orphan.pk, tree.hospital2.pk], "confirmed": "1"}
    remind(client, tree.admins["health"], data)
    by_user = dict(Notification.objects.values_list("user_id", "title"))
    assert by_user == {
        tree.admins["health"].pk: "无管理员的医院尚无在任管理员",
        tree.admins["hospital2"].pk: f"本单位 {THIS_YEAR} 年度尚无学时申报",
    }


def test_nothing_ticked_is_refused(client, tree):
    response = remind(client, tree.admins["pds"], {"filter": "list=incomplete"})
    assert response.status_code == 302 and not Reminder.objects.exists()


def test_a_large_reminder_runs_as_a_job(client, tree, settings, django_capture_on_commit_callbacks):
    people = [make_person(tree.hospital2) for _ in range(5)]
    settings.ACTION_REMINDER_INLINE_MAX = 2
    data = {"filter": "list=incomplete", "select_all": "1"}
    confirm = remind(client, tree.admins["health"], data)
    assert confirm.context["count"] == 5 and confirm.context["in_background"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(REMIND), {**data, "confirmed": "1"})
    job = Job.objects.get(kind="credits.todo_reminders")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"sent": 5, "total": 5}
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        person.user_id for person in people
    }
    reminder = Reminder.objects.get()
    assert reminder.job == job and reminder.targets == reminder.recipients == 5
    assert AuditLog.objects.filter(action="todo.remind").count() == 1
