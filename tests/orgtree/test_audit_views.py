import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditLog
from portal.services import audit_record
from tests.factories import make_person

pytestmark = pytest.mark.django_db

AUDIT = reverse("orgtree:audit")


def log(action, org, target="", days_ago=0, actor=None):
    entry = audit_record(
        actor=actor, action=action, target=target or f"org:{org.pk}", org_path=org.path
    )
    if days_ago:
        entry.created_at = timezone.now() - datetime.timedelta(days=days_ago)
        entry.save(update_fields=["created_at"])
    return entry


@pytest.fixture
def entries(tree):
    return {
        "hospital1": log("person.approve", tree.hospital1, target="person:1"),
        "hospital2": log("org.admin.add", tree.hospital2, days_ago=10),
        "health": log("org.approve", tree.health, actor=tree.admins["pds"]),
        "school": log("person.register", tree.school, target="person:2", days_ago=3),
        "lh": log("org.approve", tree.lh_hospital),
        "none": audit_record(actor=None, action="login.locked", target="someone"),
    }


def shown(response):
    return {row["entry"].pk for row in response.context["rows"]}


def test_audit_shows_the_scope_only_and_never_rows_without_a_path(client, tree, entries):
    client.force_login(tree.admins["health"])
    response = client.get(AUDIT)
    assert shown(response) == {entries[k].pk for k in ("hospital1", "hospital2", "health")}

    client.force_login(tree.admins["province"])
    response = client.get(AUDIT)
    assert entries["none"].pk not in shown(response)
    assert len(shown(response)) == 5

    client.force_login(tree.admins["lh"])
    assert shown(client.get(AUDIT)) == {entries["lh"].pk}


def test_audit_narrowed_to_an_org_subtree(client, tree, entries):
    client.force_login(tree.admins["pds"])
    response = client.get(AUDIT, {"org": tree.health.pk})
    assert shown(response) == {entries[k].pk for k in ("hospital1", "hospital2", "health")}
    assert "平顶山市卫生健康委员会" in response.content.decode()
    response = client.get(AUDIT, {"org": tree.hospital1.pk})
    assert shown(response) == {entries["hospital1"].pk}


def test_audit_filters_action_prefix_dates_and_target(client, tree, entries):
    client.force_login(tree.admins["province"])
    assert shown(client.get(AUDIT, {"action": "person."})) == {
        entries["hospital1"].pk,
        entries["school"].pk,
    }
    assert shown(client.get(AUDIT, {"action": "org.approve"})) == {
        entries["health"].pk,
        entries["lh"].pk,
    }
    today = timezone.localdate()
    week_ago = (today - datetime.timedelta(days=7)).isoformat()
    four_days_ago = (today - datetime.timedelta(days=4)).isoformat()
    assert shown(client.get(AUDIT, {"date_from": week_ago, "date_to": four_days_ago})) == set()
    recent = shown(client.get(AUDIT, {"date_from": week_ago}))
    assert entries["hospital2"].pk not in recent and entries["school"].pk in recent
    assert shown(client.get(AUDIT, {"date_to": four_days_ago})) == {entries["hospital2"].pk}
    assert shown(client.get(AUDIT, {"q": "person:2"})) == {entries["school"].pk}


def test_audit_rejects_reversed_dates(client, tree, entries):
    client.force_login(tree.admins["province"])
    response = client.get(AUDIT, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "起始日期不能晚于截止日期。" in response.content.decode()
    assert shown(response) == set()


def test_audit_rows_name_the_org_and_actor(client, tree, entries):
    client.force_login(tree.admins["pds"])
    content = client.get(AUDIT).content.decode()
    assert "机构注册通过" in content  # the action's label
    assert tree.admins["pds"].display_name in content
    assert f'href="{reverse("orgtree:org-detail", args=[tree.health.pk])}"' in content


def test_audit_pages_of_fifty_keep_the_filters(client, tree):
    for n in range(60):
        log("person.approve", tree.hospital1, target=f"person:{n}")
    client.force_login(tree.admins["health"])
    response = client.get(AUDIT, {"action": "person."})
    assert len(response.context["rows"]) == 50
    assert "action=person.&amp;page=2" in response.content.decode()


def bulk_log(tree, count: int) -> None:
    """``count`` rows of the pds admin's scope in one bulk INSERT, by different actors (one a
    professional, one the system) on different orgs, as the page's per-row lookups meet them."""
    orgs = ["health", "hospital1", "hospital2", "school", "xinhua_unit", "civil"]
    professional = make_person(tree.hospital1).user
    rows = []
    for n in range(count):
        org = getattr(tree, orgs[n % len(orgs)])
        actor = [tree.admins[orgs[n % len(orgs)]], professional, None][n % 3]
        target = f"org:{org.pk}" if n % 2 else f"person:{n}"
        rows.append(AuditLog(action="org.approve", actor=actor, target=target, org_path=org.path))
    AuditLog.objects.bulk_create(rows)


def test_audit_query_count_does_not_grow(client, tree):
    """The page costs the same at a few rows as at several pages' worth of them."""
    client.force_login(tree.admins["pds"])
    counts, shown_rows = [], []
    for batch in (3, 160):
        bulk_log(tree, batch)
        client.get(AUDIT)  # the first request of a session also writes the session
        with CaptureQueriesContext(connection) as context:
            response = client.get(AUDIT)
        counts.append(len(context.captured_queries))
        shown_rows.append(len(response.context["rows"]))
    assert shown_rows[0] == 3 and 3 < shown_rows[1] < 163  # a full first page of several
    assert counts[0] == counts[1] <= 12


def test_audit_export_has_the_rows_and_is_itself_audited(client, tree, entries):
    client.force_login(tree.admins["health"])
    response = client.get(AUDIT, {"export": "xlsx", "action": "org."})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:4] == ("时间", "操作人账户", "操作人", "操作")
    assert sorted(row[4] for row in rows[1:]) == ["org.admin.add", "org.approve"]
    export = AuditLog.objects.get(action="audit.export")
    assert export.actor == tree.admins["health"]
    assert export.org_path == tree.health.path
    assert export.detail == {"filters": {"action": "org."}, "rows": 2}
    # The export row is in the exporter's own log.
    assert export.pk in shown(client.get(AUDIT))


def test_audit_export_of_an_org_is_logged_on_that_org(client, tree, entries):
    client.force_login(tree.admins["pds"])
    response = client.get(AUDIT, {"export": "xlsx", "org": tree.hospital1.pk})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2
    assert AuditLog.objects.get(action="audit.export").org_path == tree.hospital1.path


def test_audit_export_refuses_too_many_rows(client, tree, entries, monkeypatch):
    from orgtree.views import audit

    monkeypatch.setattr(audit, "AUDIT_EXPORT_LIMIT", 2)
    client.force_login(tree.admins["province"])
    response = client.get(AUDIT, {"export": "xlsx"}, follow=True)
    assert "超过单次导出上限 2 条" in response.content.decode()
    assert not AuditLog.objects.filter(action="audit.export").exists()


def test_a_professionals_id_number_login_is_masked(client, tree):
    from tests.factories import UserFactory

    person_user = UserFactory()
    person_user.username = person_user.id_number
    person_user.save(update_fields=["username"])
    log("person.register", tree.hospital1, target="person:9", actor=person_user)
    client.force_login(tree.admins["health"])
    content = client.get(AUDIT).content.decode()
    masked = person_user.id_number[:3] + "*" * 11 + person_user.id_number[-4:]
    assert masked in content and person_user.id_number not in content
    response = client.get(AUDIT, {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][1] == masked
