"""The November reminder: every approved person not yet 合格 for the year hears what they lack,
once; a complete person and a pending registration hear nothing."""

import pytest

from credits.models import Reminder
from credits.services.reminders import november_reminder
from credits.services.summary import person_years_refresh
from portal.models import AuditLog, Notification
from tests.credits.views_support import THIS_YEAR, filed
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requirements_and_media")]


def test_the_november_reminder_reaches_the_incomplete_once_and_resumes(tree):
    complete = make_person(tree.hospital1)
    filed(complete, "public_course", 30)
    filed(complete, "practice", 60)
    partial = make_person(tree.lh_hospital)
    filed(partial, "practice", 20)
    nothing = make_person(tree.civil)
    pending = make_person(tree.civil, status="pending")
    person_years_refresh(pairs=[(complete.pk, THIS_YEAR), (partial.pk, THIS_YEAR)])

    reminder = november_reminder(year=THIS_YEAR, chunk=1)  # a chunk a person: resumption
    told = dict(Notification.objects.values_list("user_id", "body"))
    assert set(told) == {partial.user_id, nothing.user_id}
    assert "尚差公需科目 30 学时、专业科目 40 学时" in told[partial.user_id]
    assert complete.user_id not in told and pending.user_id not in told
    assert (reminder.actor, reminder.recipients, reminder.params["done"]) == (None, 2, True)
    assert AuditLog.objects.filter(action="todo.remind_november").count() == 1

    november_reminder(year=THIS_YEAR)  # beat ran again: nothing more
    assert Notification.objects.count() == 2
    assert Reminder.objects.filter(actor=None).count() == 1
