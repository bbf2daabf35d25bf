"""Batch printing: an admin's selection of people, resolved in their scope when the job starts,
printed one person at a time by a resumable job and assembled into one PDF or a zip.

The selection is resolved with ``certificates.selectors_batch``, the same reads the page uses,
so that the page, the count it shows before starting and the job agree.
"""

import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from pypdf import PdfWriter

from accounts.models import Person
from orgtree.models import Org
from orgtree.selectors import audit_path
from portal.exports import csv_bytes
from portal.models import Job
from portal.services import audit_record, job_create

from ..models import CertificateIssue
from ..selectors_batch import batch_persons_filed, batch_persons_in_scope, batch_units_in_scope
from .issues import certificate_request, issue_render, years_validate

BATCH_PRINT = "certificates.batch_print"
OUTPUTS = ("pdf", "zip")
SKIPPED_SHOWN = 200
SKIPPED_CSV = "未生成名单.csv"
OUT_OF_SCOPE = "已不在您的管辖范围内或人员状态已变更"
PERSON_GONE = "人员记录已不存在"
# Printing order: by unit, then name, so that a merged PDF can be handed out unit by unit.
PRINT_ORDER = ("unit__name", "unit_id", "user__name", "pk")
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


# --- Starting a batch ---------------------------------------------------------------------------


def _cap_error(count: int) -> ValidationError:
    return ValidationError(
        f"所选人员共 {count} 人，超过单次批量打印的上限 {settings.CERT_BATCH_MAX} 人。"
        "请按单位分批打印。"
    )


def batch_print_resolve(
    *,
    actor,
    first_year,
    last_year,
    person_ids: list[int] | None = None,
    all_filed_year: int | None = None,
    unit_id: int | None = None,
) -> tuple[int, int, list[int], Org | None]:
    """The selection as it stands now: (first, last, person ids in printing order, unit).

    Either ``person_ids`` (those outside the scope are left out without a word) or everyone in
    scope with hours filed for ``all_filed_year`` (in ``unit_id`` when given)."""
    first, last = years_validate(first_year, last_year)
    unit = None
    if all_filed_year is not None:
        try:
            year = int(all_filed_year)
        except (TypeError, ValueError):
            raise ValidationError({"filed_year": "请选择备案年度。"}) from None
        if not first <= year <= last:
            raise ValidationError({"filed_year": "备案年度应在打印的年度范围之内。"})
        if unit_id is not None:
            unit = batch_units_in_scope(actor).filter(pk=unit_id).first()
            if unit is None:
                raise ValidationError({"unit": "所选单位不在您的管辖范围内。"})
        persons = batch_persons_filed(actor, year, unit)
        empty = f"您的管辖范围内没有 {year} 年度已备案学时的人员。"
    else:
        wanted = sorted(set(person_ids or []))
        if len(wanted) > settings.CERT_BATCH_MAX:
            raise _cap_error(len(wanted))
        persons = batch_persons_in_scope(actor).filter(pk__in=wanted)
        empty = "所选人员都不在您的管辖范围内，请重新选择。" if wanted else "请选择人员。"
    count = persons.count()
    if count > settings.CERT_BATCH_MAX:
        raise _cap_error(count)
    if not count:
        raise ValidationError(empty)
    ids = list(persons.order_by(*PRINT_ORDER).values_list("pk", flat=True))
    return first, last, ids, unit


@transaction.atomic
def batch_print_start(
    *,
    actor,
    first_year,
    last_year,
    person_ids: list[int] | None = None,
    all_filed_year: int | None = None,
    unit_id: int | None = None,
    output: str = "pdf",
) -> Job:
    """Freezes the selection and starts the job that prints it."""
    if output not in OUTPUTS:
        raise ValidationError({"output": "请选择输出方式。"})
    first, last, ids, unit = batch_print_resolve(
        actor=actor,
        first_year=first_year,
        last_year=last_year,
        person_ids=person_ids,
        all_filed_year=all_filed_year,
        unit_id=unit_id,
    )
    scope_path = audit_path(actor, unit)
    job = job_create(
        actor=actor,
        kind=BATCH_PRINT,
        params={
            "first_year": first,
            "last_year": last,
            "output": output,
            "filed_year": all_filed_year,
            "unit": unit.name if unit is not None else "",
            "person_ids": ids,
        },
        total=len(ids),
        scope_path=scope_path,
    )
    audit_record(
        actor=actor,
        action="certificate.batch_print",
        target=f"job:{job.pk}",
        org_path=scope_path,
        detail={"people": len(ids), "years": f"{first}-{last}", "output": output},
    )
    return job


# --- What the job does --------------------------------------------------------------------------


def batch_names(person_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Name and 证书管理号 of each person, for the list of those not printed."""
    return {
        pk: (name, cert_no or "")
        for pk, name, cert_no in Person.objects.filter(pk__in=person_ids).values_list(
            "pk", "user__name", "cert_no"
        )
    }


def batch_print_person(
    *, actor, person_id: int, first_year: int, last_year: int, state: dict, names: dict
) -> None:
    """Prints one person into ``state`` (issue ids and the people skipped, with the reason).

    A person who cannot get a certificate is skipped; a rendering failure is not a reason to
    skip, it stops the job, whose retry resumes here."""
    try:
        issue, _ = certificate_request(
            actor=actor,
            person_id=person_id,
            first_year=first_year,
            last_year=last_year,
            enqueue=False,
        )
    except Http404:
        reason = OUT_OF_SCOPE if person_id in names else PERSON_GONE
    except ValidationError as exc:
        reason = " ".join(exc.messages)
    else:
        issue_render(issue_id=issue.pk)
        state["issues"].append(issue.pk)
        state["printed"] = len(state["issues"])
        return
    name, cert_no = names.get(person_id, ("", ""))
    state["skipped_list"].append(
        {"person": person_id, "name": name, "cert_no": cert_no, "reason": reason}
    )
    state["skipped"] = len(state["skipped_list"])


def batch_state(result) -> dict:
    """The running totals a resumed run continues from."""
    result = result if isinstance(result, dict) else {}
    return {
        "printed": len(result.get("issues", [])),
        "skipped": len(result.get("skipped_list", [])),
        "issues": list(result.get("issues", [])),
        "skipped_list": list(result.get("skipped_list", [])),
    }


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _issues_in_order(issue_ids: list[int]):
    for start in range(0, len(issue_ids), 500):
        chunk = issue_ids[start : start + 500]
        issues = CertificateIssue.objects.only(
            "pk", "code", "pdf", "snapshot", "first_year", "last_year"
        ).in_bulk(chunk)
        for pk in chunk:
            yield issues[pk]


def _pdf_bytes(issue: CertificateIssue) -> bytes:
    with issue.pdf.open("rb") as handle:
        return handle.read()


def _entry_name(issue: CertificateIssue) -> str:
    snapshot = issue.snapshot
    parts = [
        snapshot.get("cert_no") or issue.code,
        snapshot.get("name", ""),
        _years(issue.first_year, issue.last_year),
    ]
    return "_".join(UNSAFE_IN_FILE_NAME.sub("_", part) for part in parts if part) + ".pdf"


def _skipped_csv(skipped: list[dict]) -> bytes:
    return csv_bytes(
        ["姓名", "证书管理号", "未生成原因"],
        ([row["name"], row["cert_no"], row["reason"]] for row in skipped),
    )


def batch_print_assemble(
    *, state: dict, output: str, first_year: int, last_year: int
) -> tuple[str, bytes]:
    """The file to download: one PDF of every certificate in order, or a zip with one PDF per
    person and the list of those not printed. ("", b"") when there is nothing to put in it."""
    issue_ids = state["issues"]
    stem = f"批量打印证书_{_years(first_year, last_year)}_{len(issue_ids)}人"
    if output == "zip":
        if not issue_ids and not state["skipped_list"]:
            return "", b""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for issue in _issues_in_order(issue_ids):
                archive.writestr(_entry_name(issue), _pdf_bytes(issue))
            if state["skipped_list"]:
                archive.writestr(SKIPPED_CSV, _skipped_csv(state["skipped_list"]))
        return f"{stem}.zip", buffer.getvalue()
    if not issue_ids:
        return "", b""
    writer = PdfWriter()
    for issue in _issues_in_order(issue_ids):
        writer.append(io.BytesIO(_pdf_bytes(issue)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return f"{stem}.pdf", buffer.getvalue()


def batch_result(state: dict, params: dict) -> dict:
    """What the finished job keeps: the totals and the first of those not printed."""
    return {
        "printed": state["printed"],
        "skipped": state["skipped"],
        "skipped_list": state["skipped_list"][:SKIPPED_SHOWN],
        "output": params["output"],
        "years": _years(params["first_year"], params["last_year"]),
    }
