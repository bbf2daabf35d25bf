"""A user follows a job on its page: the page follows the job while a worker runs it and shows
the outcome once it has ended; a failed job is taken up again with 重试."""

import pytest

import tests.job_kinds  # noqa: F401  (the "system.count" kind these jobs are of)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory(username="job_owner")


def log_in(page):
    from tests.factories import DEFAULT_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("用户名或身份证号").fill("job_owner")
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("user-name").wait_for()


def console_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_the_job_page_follows_the_job_and_retries_a_failed_one(page, user):
    from playwright.sync_api import expect

    from portal.models import Job
    from portal.tasks import run_job

    errors = console_errors(page)
    log_in(page)
    job = Job.objects.create(actor=user, kind="system.count", params={"n": 3}, total=3)
    page.goto(f"/jobs/{job.pk}/")
    status = page.locator("#job .badge")
    expect(status).to_have_text("排队中")
    run_job(str(job.pk))  # what the worker does; the page polls, then shows the outcome
    expect(status).to_have_text("已完成")
    expect(page.locator("#job progress")).to_have_attribute("value", "100")
    assert not page.get_by_role("button", name="重试").count()

    failed = Job.objects.create(
        actor=user,
        kind="system.count",
        params={"n": 4},
        total=4,
        done=1,
        status=Job.Status.FAILED,
        error_report="RuntimeError: worker lost",
    )
    page.goto(f"/jobs/{failed.pk}/")
    assert "任务执行失败：RuntimeError: worker lost" in page.content()
    page.get_by_role("button", name="重试").click()
    expect(page.get_by_text("已重新开始该任务，将从中断处继续执行。")).to_be_visible()
    expect(status).to_have_text("已完成")  # eager Celery ran it on commit
    failed.refresh_from_db()
    assert failed.status == Job.Status.DONE and failed.result["counted"] == 4
    assert not errors
