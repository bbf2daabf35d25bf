"""The calendar's writes (orgtree/services/calendar.py): an office sets, changes, deletes and
copies the rows of its own region, and only its admins may; every write is audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from orgtree.calendar import deadline_verdict
from orgtree.models import Deadline
from orgtree.services.calendar import deadline_delete, deadline_save, deadlines_copy_year
from portal.models import AuditLog
from tests.orgtree.test_calendar import days, deadline

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
day = datetime.date


def save(tree, who="pds", office=None, **fields):
    values = {"kind": "declare", "year": 2024, "closes_on": day(2025, 3, 31), **fields}
    office = office or getattr(tree, who)
    return deadline_save(actor=tree.admins[who], office=office, **values)


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def test_an_office_sets_its_regions_row_and_changes_it_in_place(tree):
    row = save(tree, note="平人社〔2025〕1号")
    assert (row.region_id, row.set_by, row.updated_by) == ("410400", tree.pds, tree.admins["pds"])
    created = AuditLog.objects.get(action="deadline.create")
    assert created.org_path == tree.pds.path and created.detail["closes_on"] == "2025-03-31"

    again = save(tree, closes_on=day(2025, 4, 15))
    assert again.pk == row.pk and Deadline.objects.count() == 1
    updated = AuditLog.objects.get(action="deadline.update")
    assert updated.detail["before"]["closes_on"] == "2025-03-31"
    assert updated.detail["after"]["closes_on"] == "2025-04-15"
    # In force for 新华区 at once (it sets none of its own).
    assert deadline_verdict("declare", 2024, region_code="410402").deadline.pk == row.pk


def test_only_an_admin_of_the_office_sets_its_rows(tree):
    for who, office in (
        ("lh", tree.pds),  # another city
        ("pds", tree.province),  # the office above
        ("province", tree.pds),  # the office below: its rows are its own
        ("health", tree.pds),  # not an HRSS admin
        ("xinhua", tree.pds),
    ):
        with pytest.raises(PermissionDenied):
            save(tree, who=who, office=office)
    assert not Deadline.objects.exists() and not AuditLog.objects.exists()


def test_a_county_sets_its_own_row(tree):
    row = save(tree, who="xinhua", closes_on=day(2025, 4, 30))
    assert row.region_id == "410402" and row.set_by == tree.xinhua


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"year": 2012}, {"year": [f"年度应在 2013 年至 {THIS_YEAR + 1} 年之间。"]}),
        ({"year": THIS_YEAR + 2}, {"year": [f"年度应在 2013 年至 {THIS_YEAR + 1} 年之间。"]}),
        ({"kind": "holiday"}, {"kind": ["请选择事项。"]}),
        ({"closes_on": None}, {"closes_on": ["请填写截止日期。"]}),
        ({"closes_on": day(2023, 12, 31)}, {"closes_on": ["2024年度的截止日期不能早于2024年。"]}),
        (
            {"opens_on": day(2025, 1, 1)},
            {"opens_on": ["只有补学需要填写开始日期，其他事项只填截止日期。"]},
        ),
        ({"kind": "makeup"}, {"opens_on": ["补学须填写开始日期。"]}),
        (
            {"kind": "makeup", "opens_on": day(2025, 5, 1), "closes_on": day(2025, 4, 1)},
            {"closes_on": ["补学的截止日期不能早于开始日期。"]},
        ),
        (
            {"kind": "makeup", "opens_on": day(2024, 12, 1)},
            {"opens_on": ["补学时间应在2024年度结束之后。"]},
        ),
        (
            {"kind": "person_registration", "year": 2025, "closes_on": day(2026, 1, 31)},
            {"closes_on": ["2025年的注册截止日期应在2025年内。"]},
        ),
        ({"note": "说" * 201}, {"note": ["说明不超过 200 字。"]}),
    ],
)
def test_a_row_is_refused_with_the_reason(tree, fields, expected):
    assert errors_of(lambda: save(tree, **fields)) == expected
    assert not Deadline.objects.exists()


def test_a_makeup_window_is_saved_with_both_dates(tree):
    row = save(tree, kind="makeup", year=2022, opens_on=day(2025, 7, 1), closes_on=day(2025, 9, 30))
    assert (row.opens_on, row.closes_on) == (day(2025, 7, 1), day(2025, 9, 30))


def test_an_office_deletes_its_own_row_and_no_other(tree):
    own = save(tree)
    above = deadline(tree.province, "declare", 2024, days(-1))
    with pytest.raises(Http404):
        deadline_delete(actor=tree.admins["pds"], deadline_id=above.pk)
    with pytest.raises(Http404):
        deadline_delete(actor=tree.admins["lh"], deadline_id=own.pk)
    deadline_delete(actor=tree.admins["pds"], deadline_id=own.pk)
    assert list(Deadline.objects.all()) == [above]
    audit = AuditLog.objects.get(action="deadline.delete")
    assert audit.target == f"deadline:{own.pk}" and audit.detail["kind"] == "declare"
    # 平顶山 falls back to the province's row.
    assert deadline_verdict("declare", 2024, region_code="410400").deadline == above


def test_copying_a_year_moves_every_date_on_and_keeps_rows_already_set(tree):
    save(tree, year=2023, closes_on=day(2024, 2, 29))
    save(tree, year=2023, kind="filing", closes_on=day(2024, 6, 30))
    save(tree, kind="makeup", year=2021, opens_on=day(2023, 7, 1), closes_on=day(2023, 9, 30))
    save(tree, year=2024, kind="filing", closes_on=day(2025, 7, 15))  # already set
    deadline(tree.lh, "unit_review", 2023, day(2024, 4, 30))  # another office's

    copies = deadlines_copy_year(
        actor=tree.admins["pds"], office=tree.pds, from_year=2023, to_year=2024
    )

    assert [(row.kind, row.closes_on) for row in copies] == [("declare", day(2025, 2, 28))]
    rows = dict(Deadline.objects.filter(year=2024).values_list("kind", "closes_on"))
    assert rows == {"declare": day(2025, 2, 28), "filing": day(2025, 7, 15)}
    audit = AuditLog.objects.get(action="deadline.copy")
    assert audit.detail == {"from": 2023, "to": 2024, "kinds": ["declare"]}

    assert errors_of(
        lambda: deadlines_copy_year(
            actor=tree.admins["pds"], office=tree.pds, from_year=2023, to_year=2024
        )
    ) == {"__all__": ["2024年度的各项截止日期均已设定，无需复制。"]}
    assert errors_of(
        lambda: deadlines_copy_year(
            actor=tree.admins["pds"], office=tree.pds, from_year=2019, to_year=2020
        )
    ) == {"__all__": ["2019年度没有本机关设定的截止日期，无可复制。"]}
    copied = deadlines_copy_year(
        actor=tree.admins["pds"], office=tree.pds, from_year=2021, to_year=2022
    )
    assert [(row.kind, row.opens_on) for row in copied] == [("makeup", day(2024, 7, 1))]
    with pytest.raises(PermissionDenied):
        deadlines_copy_year(actor=tree.admins["lh"], office=tree.pds, from_year=2023, to_year=2025)
