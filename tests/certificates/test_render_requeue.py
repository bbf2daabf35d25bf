"""Certificate renders whose task never ran: a request made while the broker is down is kept,
pending, and the beat sweep (certificates.requeue_pending_renders) renders it once the broker is
back. A render holds its issue, so two renders of one issue never both store files. Renders go
to CELERY_RENDER_QUEUE, whoever sends them, so a deployment can give them workers of their own."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateIssue
from certificates.services import certificate_request, issue_render, issues_render_requeue
from certificates.tasks import flush_verification_logs, render_issue, requeue_pending_renders
from portal.celery import app
from portal.tasks import run_job
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

MINE = reverse("certificates:mine")


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2019, 2020])
    return person


@pytest.fixture
def seal(tree):
    return approved_seal(tree, tree.pds)


def age(issue: CertificateIssue, seconds: float) -> None:
    CertificateIssue.objects.filter(pk=issue.pk).update(
        issued_at=timezone.now() - timedelta(seconds=seconds)
    )


def stored(root) -> list[str]:
    return sorted(path.name for path in root.rglob("*") if path.is_file())


@pytest.mark.django_db
def test_a_request_made_while_the_broker_is_down_is_kept_and_rendered_later(
    client, person, seal, broker_down, caplog, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MINE, {"mode": "single", "single-year": 2020})

    issue = CertificateIssue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:issue-detail", args=[issue.pk])
    assert (issue.first_year, issue.render_status) == (2020, CertificateIssue.Render.PENDING)
    assert issue.snapshot["name"] == person.user.name and not issue.pdf
    warnings = [r for r in caplog.records if r.name == "portal.queue"]
    # The render and the statistics refresh (which the nightly rebuild makes up for).
    assert [r.levelno for r in warnings] == [logging.WARNING, logging.WARNING]
    assert "credits.refresh_statistics" in warnings[0].getMessage()
    assert "certificates.render_issue" in warnings[1].getMessage()

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "证书已排队等待生成" in html
    assert "恢复后将自动完成，无需重新申请" in html
    assert 'data-testid="download"' not in html

    # The sweep leaves a render whose task may still be on its way, then sends it, but the
    # broker is still down: it stays pending for the next turn.
    assert requeue_pending_renders() == 0
    age(issue, settings.CERT_RENDER_GRACE_SECONDS + 1)
    assert requeue_pending_renders() == 0
    issue.refresh_from_db()
    assert issue.render_status == CertificateIssue.Render.PENDING

    broker_down()  # the broker is back
    assert requeue_pending_renders() == 1
    issue.refresh_from_db()
    assert issue.render_status == CertificateIssue.Render.READY
    assert issue.pdf and issue.sha256
    assert 'data-testid="download"' in client.get(response["Location"]).content.decode()
    assert requeue_pending_renders() == 0


@pytest.mark.django_db
def test_the_sweep_sends_only_pending_renders_oldest_first(tree, person, seal):
    def pending(first, last) -> CertificateIssue:
        issue, _ = certificate_request(
            actor=person.user, person_id=person.pk, first_year=first, last_year=last, enqueue=False
        )
        return issue

    oldest, older, newer = pending(2019, 2019), pending(2020, 2020), pending(2019, 2020)
    for minutes, issue in zip((30, 20, 10), (oldest, older, newer), strict=True):
        age(issue, minutes * 60)
    failed = pending(2018, 2020)
    CertificateIssue.objects.filter(pk=failed.pk).update(
        render_status=CertificateIssue.Render.FAILED  # its page offers to try again instead
    )
    age(failed, 3600)
    just_requested = pending(2018, 2019)  # its own task is on its way

    assert issues_render_requeue(limit=2) == 2

    status = dict(CertificateIssue.objects.values_list("pk", "render_status"))
    assert status[oldest.pk] == status[older.pk] == CertificateIssue.Render.READY
    assert status[newer.pk] == CertificateIssue.Render.PENDING
    assert status[failed.pk] == CertificateIssue.Render.FAILED
    assert issues_render_requeue(limit=2) == 1
    assert CertificateIssue.objects.filter(render_status="ready").count() == 3
    just_requested.refresh_from_db()
    assert just_requested.render_status == CertificateIssue.Render.PENDING


@pytest.mark.django_db
def test_a_render_of_a_rendered_issue_stores_nothing(tree, person, seal):
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2020, last_year=2020, enqueue=False
    )
    issue_render(issue_id=issue.pk)
    files = stored(settings.MEDIA_ROOT)
    assert len(files) == 2  # the PDF and its preview
    render_issue(issue.pk)  # the sweep's copy arriving late
    assert stored(settings.MEDIA_ROOT) == files
    assert issue_render(issue_id=10**9) is None  # an issue that is gone: nothing to do


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
@pytest.mark.django_db(transaction=True)
def test_a_render_in_progress_is_not_rendered_again(tree, person, seal):
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2020, last_year=2020, enqueue=False
    )
    # Another worker is rendering it: it holds the issue's row.
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute(
            f"SELECT 1 FROM {CertificateIssue._meta.db_table} WHERE id = %s FOR UPDATE",
            [issue.pk],
        )
        assert issue_render(issue_id=issue.pk, wait=False) is None
        render_issue(issue.pk)  # a duplicate delivery of the task
        issue.refresh_from_db()
        assert issue.render_status == CertificateIssue.Render.PENDING
        assert stored(settings.MEDIA_ROOT) == []
    finally:
        other.rollback()
        other.close()

    rendered = issue_render(issue_id=issue.pk, wait=False)
    assert rendered.render_status == CertificateIssue.Render.READY
    assert len(stored(settings.MEDIA_ROOT)) == 2


# --- The render queue ----------------------------------------------------------------------------


@pytest.fixture
def broker_in_memory(monkeypatch):
    """Celery publishes to kombu's in-process broker instead of running tasks inline. Calling
    the returned function with a queue's name takes the (task, args) waiting there."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_write_url", "memory://")
    # Producer pools stay bound to the broker of their first use (as in broker_down).
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)

    def take(queue: str) -> list[tuple[str, list]]:
        taken = []
        with app.connection_for_write() as conn:
            while (message := conn.default_channel.basic_get(queue, no_ack=True)) is not None:
                args, _kwargs, _embed = message.decode()
                taken.append((message.headers["task"], args))
        return taken

    return take


def test_renders_are_routed_to_the_render_queue_and_the_rest_to_the_default(settings):
    router = app.amqp.router  # what every publish consults
    default = settings.CELERY_TASK_DEFAULT_QUEUE
    settings.CELERY_RENDER_QUEUE = default  # what it is unless set (tests/portal/test_settings.py)
    assert router.route({}, render_issue.name)["queue"].name == default

    settings.CELERY_RENDER_QUEUE = f"{default}_render"
    assert router.route({}, render_issue.name)["queue"].name == f"{default}_render"
    for task in (run_job, requeue_pending_renders, flush_verification_logs):
        assert router.route({}, task.name)["queue"].name == default


@pytest.mark.django_db
def test_the_request_and_the_sweep_both_send_the_render_to_the_render_queue(
    person, seal, settings, broker_in_memory, django_capture_on_commit_callbacks
):
    render_queue = settings.CELERY_RENDER_QUEUE = f"{settings.CELERY_TASK_DEFAULT_QUEUE}_render"
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = certificate_request(
            actor=person.user, person_id=person.pk, first_year=2020, last_year=2020
        )
    age(issue, settings.CERT_RENDER_GRACE_SECONDS + 1)  # no worker took it: the sweep sends it
    assert requeue_pending_renders() == 1

    assert broker_in_memory(render_queue) == [(render_issue.name, [issue.pk])] * 2
    # The default queue has only the refresh of the person's statistics row, never a render.
    assert broker_in_memory(settings.CELERY_TASK_DEFAULT_QUEUE) == [
        ("credits.refresh_statistics", [[[person.unit_id, 2020]]])
    ]
    issue.refresh_from_db()
    assert issue.render_status == CertificateIssue.Render.PENDING
