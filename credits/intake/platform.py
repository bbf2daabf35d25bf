"""The learning platforms' push (管理办法 第九条（三）: online study "由服务平台自动登记"): each
completion an institution's platform pushes becomes a declaration with source platform, in the
person's own unit queue (SUBMITTED), or FILED for the public subject when the province has
recognised the platform.

A record is known by (institution, external id) through PlatformRecord, whose unique constraint
makes every push idempotent: the first answer is stored in the transaction that enters the
declaration, and every later push of the same id (a retry, a replay, a concurrent
duplicate) is answered with it. Refused records are remembered too, so that a replay answers
the same; a platform corrects a record by pushing it under a new external id.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from orgtree.models import Org
from portal.services import audit_record

from ..models import Declaration, PlatformRecord, ReviewStatus
from ..rules import Subject
from ..selectors import ids_in
from ..services.summary import person_years_refresh
from ..signals import person_years_changed
from ..workflow import declarations_enter
from .declarations import declaration_build
from .kinds import VALID, Outcome
from .persons import id_number_read, person_match, persons_by_id_number, province_paths

MAX_RECORDS = 1000
EXTERNAL_ID_MAX = PlatformRecord._meta.get_field("external_id").max_length
TITLE_MAX = Declaration._meta.get_field("title").max_length
NAME_MAX = 50
# 公需科目: 第四条's platform study; 专业科目: 第七条（一）, the institution's own training.
CATEGORY_OF = {Subject.PUBLIC: "public_course", Subject.PROFESSIONAL: "training_base"}
CREATED, DUPLICATE, ERROR = "created", "duplicate", "error"
# natural_keys_taken (and so declarations_enter) reports a taken key's state by its label.
STATUS_OF_LABEL = {str(label): value for value, label in ReviewStatus.choices}
OUTSIDE = "该人员不是本施教机构所在省的注册人员。"
# A claim lost to a concurrent push is read back; should that push roll back instead, the claim
# is tried again.
CLAIM_ATTEMPTS = 3


@dataclass
class Completion:
    """One pushed record with a usable external id, as read and checked."""

    index: int
    external_id: str
    outcome: Outcome = field(default_factory=Outcome)
    number: str = ""
    name: str = ""
    subject: str = ""
    title: str = ""
    hours: object = None
    completed_on: date | None = None
    declaration: Declaration | None = None
    # An earlier record of the same push with the same natural key (the same completion).
    twin: "Completion | None" = None
    record: PlatformRecord | None = None  # this push's claim of the external id
    result: dict = field(default_factory=dict)


def _result(external_id, status: str, declaration_status: str | None = None, errors=()) -> dict:
    return {
        "external_id": external_id,
        "status": status,
        "declaration_status": declaration_status,
        "errors": list(errors),
    }


def _external_id(record) -> tuple[str | None, str]:
    """(the record's external id, "") or (what it said, if printable, and the error)."""
    if not isinstance(record, dict):
        return None, "每条记录须为 JSON 对象。"
    value = record.get("external_id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        shown = value if isinstance(value, str) else None
        return shown, "请填写平台记录号（external_id），须为字符串。"
    value = value.strip()
    if len(value) > EXTERNAL_ID_MAX:
        return None, f"平台记录号（external_id）不能超过 {EXTERNAL_ID_MAX} 个字符。"
    return value, ""


def _text(record: dict, key: str, label: str, outcome: Outcome, max_length: int) -> str:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        outcome.fail(f"请填写{label}（{key}）。")
        return ""
    if not isinstance(value, str):
        outcome.fail(f"{label}（{key}）须为字符串。")
        return ""
    value = value.strip()
    if len(value) > max_length:
        outcome.fail(f"{label}（{key}）不能超过 {max_length} 个字符。")
        return ""
    return value


def _completed_on(record: dict, outcome: Outcome) -> date | None:
    value = record.get("completed_on")
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        outcome.fail("完成日期（completed_on）须为 YYYY-MM-DD 格式的日期，如 2026-05-01。")
        return None
    if day > timezone.localdate():
        outcome.fail("完成日期（completed_on）不能晚于今天。")
        return None
    return day


def _read(completion: Completion, record: dict) -> None:
    outcome = completion.outcome
    number = record.get("id_number")
    if isinstance(number, int) and not isinstance(number, bool):
        number = str(number)
    if number is None or isinstance(number, str):
        completion.number = id_number_read(number or "", outcome)
    else:
        outcome.fail("身份证号（id_number）须为字符串。")
    completion.name = _text(record, "name", "姓名", outcome, NAME_MAX)
    subject = record.get("subject")
    if subject in CATEGORY_OF:
        completion.subject = subject
    else:
        outcome.fail("科目（subject）须为 public（公需科目）或 professional（专业科目）。")
    completion.title = _text(record, "title", "课程名称", outcome, TITLE_MAX)
    completion.hours = record.get("hours")
    completion.completed_on = _completed_on(record, outcome)


def _check(completions: list[Completion], *, institution: Org) -> None:
    """Who each record is about (an approved person of the institution's province, by ID number
    and name), and its declaration from the rules engine."""
    people = persons_by_id_number(completion.number for completion in completions)
    province = next(iter(province_paths([institution])), "")
    paths = (province,) if province else ()
    for completion in completions:
        outcome = completion.outcome
        person = person_match(
            outcome=outcome,
            number=completion.number,
            name=completion.name,
            people=people,
            paths=paths,
            outside=OUTSIDE,
        )
        if outcome.status != VALID or person is None:
            continue
        completion.declaration = declaration_build(
            outcome=outcome,
            person=person,
            batch=None,
            source=Declaration.Source.PLATFORM,
            year=completion.completed_on.year,
            category=CATEGORY_OF[completion.subject],
            params={"hours": completion.hours},
            title=completion.title,
            organiser=institution.name,
            start_date=completion.completed_on,
            end_date=completion.completed_on,
            description=f"学习平台记录号：{completion.external_id}",
        )


def _claim(completions: list[Completion], *, institution: Org, token) -> dict[str, dict]:
    """Claims each completion's external id with its own PlatformRecord row (set on the
    completion as ``record``, its result still to come), one savepoint each; the stored
    results of the ids another push holds, by id (its transaction has committed when our
    insert fails; should it have rolled back instead, the claim is tried again)."""
    lost: dict[str, dict] = {}
    for completion in completions:
        for _ in range(CLAIM_ATTEMPTS):
            row = PlatformRecord(
                institution=institution, external_id=completion.external_id, token=token
            )
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                stored = (
                    PlatformRecord.objects.filter(
                        institution=institution, external_id=completion.external_id
                    )
                    .values_list("result", flat=True)
                    .first()
                )
                if stored is not None:
                    lost[completion.external_id] = stored
                    break
            else:
                completion.record = row
                break
        else:
            raise IntegrityError(f"platform record {completion.external_id} cannot be claimed")
    return lost


def _record_of(completion: Completion, *, institution: Org, token) -> PlatformRecord:
    return PlatformRecord(
        institution=institution,
        external_id=completion.external_id,
        token=token,
        result=completion.result,
        declaration_id=_declaration_id(completion),
    )


def _declaration_id(completion: Completion) -> int | None:
    return completion.declaration.pk if completion.result["status"] == CREATED else None


def _settle(
    completions: list[Completion], *, institution: Org, token
) -> tuple[dict[str, dict], list[tuple[int, int]]]:
    """Enters the completions and remembers each result; (the results of the ids a concurrent
    push answered first, by id; the (person, year) pairs that entered filed).

    The usual push is three set-based INSERTs (declarations, their events, the records), the
    records last: their unique constraint refuses an id that a concurrent push holds, and then
    the savepoint undoes this push's entries and the ids are claimed one by one before
    anything enters, the ids lost answered with the stored results."""
    try:
        with transaction.atomic():
            filed = _enter(completions, institution=institution, token=token)
            PlatformRecord.objects.bulk_create(
                [_record_of(c, institution=institution, token=token) for c in completions]
            )
        return {}, filed
    except IntegrityError:
        pass
    for completion in completions:
        if completion.declaration is not None:
            completion.declaration.pk = None  # its insert was rolled back
    lost = _claim(completions, institution=institution, token=token)
    mine = [c for c in completions if c.external_id not in lost]
    filed = _enter(mine, institution=institution, token=token) if mine else []
    for completion in mine:
        completion.record.result = completion.result
        completion.record.declaration_id = _declaration_id(completion)
    PlatformRecord.objects.bulk_update([c.record for c in mine], ["result", "declaration"])
    return lost, filed


def _enter(completions: list[Completion], *, institution: Org, token) -> list[tuple[int, int]]:
    """Enters the valid completions and sets every completion's result; the (person, year)
    pairs that entered filed. Of two records of one push with the same natural key (the same
    completion under two external ids), the first enters and the second is its duplicate."""
    first_of_key: dict[str, Completion] = {}
    for completion in completions:
        if completion.declaration is not None:
            first = first_of_key.setdefault(completion.declaration.natural_key, completion)
            completion.twin = None if first is completion else first
    fresh = [c for c in completions if c.declaration is not None and c.twin is None]
    entered = declarations_enter(
        declarations=[c.declaration for c in fresh],
        actor=None,
        comment=f"学习平台推送（{institution.name}，令牌 {token.prefix}…）",
        recognised=token.recognised,
    )
    filed = set()
    for completion in completions:
        if completion.declaration is None:
            completion.result = _result(
                completion.external_id, ERROR, errors=completion.outcome.errors
            )
            continue
        if completion.twin is not None:
            first = completion.twin.result
            completion.result = _result(
                completion.external_id,
                DUPLICATE,
                first["declaration_status"],
                [f"与本次推送的记录“{completion.twin.external_id}”是同一学时记录。"],
            )
            continue
        key = completion.declaration.natural_key
        if key in entered.created:
            pk, status = entered.created[key]
            completion.declaration.pk = pk
            completion.result = _result(completion.external_id, CREATED, status)
            if status == ReviewStatus.FILED:
                filed.add((completion.declaration.person_id, completion.declaration.year))
        else:
            label = entered.taken.get(key, "")
            completion.result = _result(
                completion.external_id,
                DUPLICATE,
                STATUS_OF_LABEL.get(label),
                [f"与已有的学时记录重复（该记录状态：{label or '未知'}）。"],
            )
    return sorted(filed)


@transaction.atomic
def platform_push(*, token, records: list, ip: str = "") -> list[dict]:
    """The result of each pushed record, in order: created, duplicate (its natural key is
    taken) or error, with ``replayed`` true when the external id was answered before."""
    institution = token.institution
    results: list[dict | None] = [None] * len(records)
    primary: dict[str, Completion] = {}
    repeats: list[tuple[int, str]] = []
    for index, record in enumerate(records):
        external_id, error = _external_id(record)
        if error:
            results[index] = dict(_result(external_id, ERROR, errors=[error]), replayed=False)
        elif external_id in primary:
            repeats.append((index, external_id))
        else:
            primary[external_id] = Completion(index=index, external_id=external_id)
    stored = dict(
        PlatformRecord.objects.filter(
            ids_in("external_id", list(primary)), institution=institution
        ).values_list("external_id", "result")
    )
    new = [c for c in primary.values() if c.external_id not in stored]
    for completion in new:
        _read(completion, records[completion.index])
    _check(new, institution=institution)
    lost, filed = _settle(new, institution=institution, token=token) if new else ({}, [])
    stored.update(lost)
    mine = [c for c in new if c.external_id not in lost]
    if filed:
        person_years_refresh(pairs=filed)
        transaction.on_commit(lambda: person_years_changed.send(sender=Declaration, pairs=filed))
    for completion in mine:
        results[completion.index] = dict(completion.result, replayed=False)
    for external_id, completion in primary.items():
        if external_id in stored:
            results[completion.index] = dict(stored[external_id], replayed=True)
    for index, external_id in repeats:
        results[index] = dict(results[primary[external_id].index], replayed=True)
    counts = {status: 0 for status in (CREATED, DUPLICATE, ERROR)}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    audit_record(
        actor=None,
        action="platform.push",
        target=f"api_token:{token.pk}",
        org_path=institution.path,
        detail={
            "records": len(records),
            **counts,
            "replayed": sum(1 for result in results if result["replayed"]),
        },
        ip=ip,
    )
    return results
