"""待办提醒: in-portal messages sent from an action list (credits.selectors_todo) to the people
on it (the people lists) or to the admins of the orgs on it (the waiting and units lists).

A reminder is one ``Reminder`` row and one audit row (``todo.remind``) written when it is
sent; the targets (people or orgs) are frozen then. Up to ACTION_REMINDER_INLINE_MAX targets
are messaged in the request, more by the ``credits.todo_reminders`` job, chunk by chunk.
Each chunk reads its targets through the list again, so someone who has completed (or a
queue that has been cleared) since the list was read gets no message.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.urls import reverse

from orgtree.selectors import admin_user_ids, audit_path
from portal.models import Job
from portal.services import (
    audit_record,
    job_finish,
    job_or_inline,
    job_progress,
    notifications_send,
)

from ..models import Reminder
from ..rules.values import as_text
from ..selectors import ids_in
from ..selectors_todo import (
    PEOPLE_LISTS,
    Shortfall,
    incomplete_people,
    org_of,
    people_rows,
    todo_rows,
    units_flag,
)

ACTION_REMINDERS = "credits.todo_reminders"
CHUNK = 500
ZERO = Decimal(0)


def _shortfall_text(shortfall: Shortfall) -> str:
    parts = [
        f"{label} {as_text(value)} 学时"
        for label, value in (
            ("公需科目", shortfall.public),
            ("专业科目", shortfall.professional),
        )
        if value > ZERO
    ]
    if shortfall.total > ZERO:
        parts.append(f"总学时 {as_text(shortfall.total)} 学时")
    return "、".join(parts) or "学时尚未备案"


def _people_messages(actor, kind: str, filters: dict, ids: list[int]) -> list[dict]:
    people = todo_rows(actor, kind, filters).filter(ids_in("pk", ids))
    return people_messages(people, kind, filters["year"])


def people_messages(people, kind: str, year: int) -> list[dict]:
    """Each person's message: what they still lack for the year (or the two years)."""
    link = reverse("credits:overview") + f"?year={year}"
    messages = []
    for row in people_rows(people, kind, year):
        lacks = "；".join(f"{s.year} 年度尚差{_shortfall_text(s)}" for s in row.shortfalls)
        if kind == Reminder.ListKind.TWO_YEARS:
            title = f"{year - 1}、{year} 年度继续教育学时均未达标"
            body = (
                f"{lacks}。按规定，连续两年未完成继续教育学时的，年度考核不得确定为合格，"
                "请尽快参加继续教育并申报学时。"
            )
        else:
            title = f"{year} 年度继续教育学时尚未达标"
            body = f"{lacks}。请及时参加继续教育并申报学时。"
        messages.append({"user_id": row.person.user_id, "title": title, "body": body, "link": link})
    return messages


def _waiting_messages(actor, filters: dict, ids: list[int]) -> list[dict]:
    wanted = set(ids)
    rows = [row for row in todo_rows(actor, Reminder.ListKind.WAITING, filters) if row.pk in wanted]
    admins = admin_user_ids(row.pk for row in rows)
    link = reverse("credits:review-queue")
    days = filters.get("days")
    messages = []
    for row in rows:
        counts = "、".join(
            f"{label} {row.counts[kind]} 条"
            for kind, label in (("declaration", "学时申报"), ("exemption", "学时折算"))
            if row.counts.get(kind)
        )
        body = (
            f"{row.org.name}（{row.step_label}）：{counts}已等待超过 {days} 天，"
            f"最早于 {row.oldest:%Y-%m-%d} 提交。请尽快审核。"
        )
        title = f"有 {row.total} 条待审核事项已超过 {days} 天未处理"
        messages += [
            {"user_id": user_id, "title": title, "body": body, "link": link}
            for user_id in admins[row.pk]
        ]
    return messages


def _units_messages(actor, filters: dict, ids: list[int]) -> list[dict]:
    """A unit's own admins hear that it has no declaration this year; a unit without an
    active admin has nobody to tell, so the admins of the org above it hear of that."""
    year = filters["year"]
    wanted = set(ids)
    listed = todo_rows(actor, Reminder.ListKind.UNITS, filters)
    units = units_flag([unit for unit in listed if unit.pk in wanted], year)
    admins = admin_user_ids({unit.pk for unit in units} | {unit.parent_id for unit in units})
    messages = []
    for unit in units:
        if not unit.has_admin:
            title = f"{unit.name}尚无在任管理员"
            body = (
                f"{unit.name}尚无在任的单位管理员，无法审核本单位人员的注册和学时申报。"
                "请督促该单位填报管理员信息备案表。"
            )
            recipients = admins[unit.parent_id]
            link = reverse("orgtree:org-detail", args=[unit.pk])
        else:
            title = f"本单位 {year} 年度尚无学时申报"
            body = (
                f"{unit.name} {year} 年度尚无专业技术人员申报继续教育学时，"
                "请督促本单位人员按时参加继续教育并申报学时。"
            )
            recipients = admins[unit.pk]
            link = reverse("credits:review-queue")
        messages += [
            {"user_id": user_id, "title": title, "body": body, "link": link}
            for user_id in recipients
        ]
    return messages


@transaction.atomic
def reminders_send(*, actor, reminder_id: int, ids: list[int]) -> int:
    """Messages the targets ``ids`` of a reminder that are still on its list; adds the number
    of messages to the reminder and returns it."""
    reminder = Reminder.objects.get(pk=reminder_id)
    kind, filters = reminder.list_kind, reminder.params["filters"]
    if kind in PEOPLE_LISTS:
        messages = _people_messages(actor, kind, filters, ids)
    elif kind == Reminder.ListKind.WAITING:
        messages = _waiting_messages(actor, filters, ids)
    else:
        messages = _units_messages(actor, filters, ids)
    sent = notifications_send(messages=messages)
    Reminder.objects.filter(pk=reminder_id).update(recipients=F("recipients") + sent)
    return sent


@transaction.atomic
def reminder_create(
    *, actor, list_kind: str, filters: dict, targets: list[int], selected: list[int] | None
) -> Reminder:
    """Records a reminder (and its audit row) and sends it: in the request when small, else
    as a job (``reminder.job``, whose page the sender is shown)."""
    if list_kind not in Reminder.ListKind.values:
        raise ValueError(f"unknown list {list_kind!r}")
    org = org_of(actor, filters.get("org"))
    reminder = Reminder(
        actor=actor,
        list_kind=list_kind,
        params={"filters": filters, "select_all": selected is None, "ids": selected or []},
        targets=len(targets),
        org_path=org.path if org is not None else audit_path(actor),
    )
    reminder.full_clean()
    reminder.save()
    audit_record(
        actor=actor,
        action="todo.remind",
        target=f"reminder:{reminder.pk}",
        org_path=reminder.org_path,
        detail={"list": list_kind, "filters": filters, "targets": len(targets)},
    )
    outcome = job_or_inline(
        actor=actor,
        kind=ACTION_REMINDERS,
        params={"reminder": reminder.pk, "ids": targets},
        total=len(targets),
        scope_path=reminder.org_path,
        inline=lambda: reminders_send(actor=actor, reminder_id=reminder.pk, ids=targets),
    )
    if isinstance(outcome, Job):
        reminder.job = outcome
        reminder.save(update_fields=["job"])
    else:
        reminder.recipients = outcome
    return reminder


def reminders_run(*, job: Job) -> None:
    """The job: messages the frozen targets chunk by chunk. Resumable from ``job.done``: a
    chunk, its messages and the progress that records it commit together, so a re-run never
    sends a chunk twice."""
    ids: list[int] = job.params["ids"]
    reminder_id = job.params["reminder"]
    sent = int(job.result.get("sent", 0)) if isinstance(job.result, dict) else 0
    job_progress(job=job, done=job.done, total=len(ids))
    position = job.done
    while position < len(ids):
        chunk = ids[position : position + CHUNK]
        with transaction.atomic():
            count = reminders_send(actor=job.actor, reminder_id=reminder_id, ids=chunk)
            job_progress(job=job, done=position + len(chunk), result={"sent": sent + count})
        sent += count
        position += len(chunk)
    job_finish(job=job, result={"sent": sent, "total": len(ids)})


# --- The November reminder (beat) ----------------------------------------------------------------

NOVEMBER = 11


def november_reminder(*, year: int, chunk: int = CHUNK) -> Reminder:
    """Every approved person not yet 合格 for ``year`` is told what they lack, in November,
    before the year closes (issue 15). Run by beat; the portal itself is the sender (a Reminder
    without actor). Resumable and never sent twice: the reminder row of the year records the
    last person messaged, each chunk commits with it, and a finished one is left alone."""
    reminder, _ = Reminder.objects.get_or_create(
        actor=None,
        list_kind=Reminder.ListKind.INCOMPLETE,
        params__november=year,
        defaults={"params": {"november": year, "last": 0, "done": False}, "org_path": ""},
    )
    if reminder.params.get("done"):
        return reminder
    while True:
        with transaction.atomic():
            last = reminder.params.get("last", 0)
            people = list(incomplete_people(year=year).filter(pk__gt=last).order_by("pk")[:chunk])
            if not people:
                reminder.params = {**reminder.params, "done": True}
                reminder.save(update_fields=["params"])
                break
            sent = notifications_send(
                messages=people_messages(people, Reminder.ListKind.INCOMPLETE, year)
            )
            reminder.params = {**reminder.params, "last": people[-1].pk}
            reminder.recipients += sent
            reminder.targets += len(people)
            reminder.save(update_fields=["params", "recipients", "targets"])
    audit_record(
        actor=None,
        action="todo.remind_november",
        target=f"reminder:{reminder.pk}",
        detail={"year": year, "recipients": reminder.recipients},
    )
    return reminder
