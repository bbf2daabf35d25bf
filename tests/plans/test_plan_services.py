"""年度培训计划 services: a draft with its projects, the submission (逾期 after 30 March), the
office's filing or return, and the refusals around them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from plans.models import FilingStatus, PlanItem, TrainingPlan
from plans.services import (
    PLAN_DUE_MONTH_DAY,
    ItemRow,
    ItemRowError,
    plan_create,
    plan_file,
    plan_item_add,
    plan_item_remove,
    plan_item_update,
    plan_return,
    plan_save,
    plan_submit,
)
from portal.models import AuditLog, Notification

from .support import THIS_YEAR, item_fields, make_plan

pytestmark = pytest.mark.django_db


def test_a_draft_is_due_on_30_march_of_its_year_and_filed_by_the_office_above(tree):
    plan = plan_create(actor=tree.admins["hospital1"], org_id=tree.hospital1.pk, year=THIS_YEAR)
    assert PLAN_DUE_MONTH_DAY == (3, 30)
    assert plan.due_on == datetime.date(THIS_YEAR, 3, 30)
    assert plan.status == FilingStatus.DRAFT and plan.org_path == tree.hospital1.path
    assert plan.filing_office == tree.pds  # 卫健委 is no HRSS office: 平顶山 files
    assert plan.title == f"平顶山市第一人民医院{THIS_YEAR}年度专业技术人员培训计划"
    # A unit under the county office is filed by the county, a department by its city.
    county = plan_create(
        actor=tree.admins["xinhua_unit"], org_id=tree.xinhua_unit.pk, year=THIS_YEAR
    )
    assert county.filing_office == tree.xinhua
    department = plan_create(actor=tree.admins["health"], org_id=tree.health.pk, year=THIS_YEAR)
    assert department.filing_office == tree.pds
    assert AuditLog.objects.filter(action="plan.create", target=f"plan:{plan.pk}").exists()


def test_one_plan_per_org_and_year_and_only_for_its_own_admins(tree):
    plan_create(actor=tree.admins["hospital1"], org_id=tree.hospital1.pk, year=THIS_YEAR)
    with pytest.raises(ValidationError) as caught:
        plan_create(actor=tree.admins["hospital1"], org_id=tree.hospital1.pk, year=THIS_YEAR)
    assert "年度培训计划已存在" in str(caught.value)
    with pytest.raises(ValidationError, match="年度应在"):
        plan_create(actor=tree.admins["hospital1"], org_id=tree.hospital1.pk, year=THIS_YEAR - 5)
    # A department's admin does not write its unit's plan; HRSS offices write none.
    for name, org in (
        ("health", tree.hospital2),
        ("pds", tree.pds),
        ("institution", tree.institution),
    ):
        with pytest.raises(ValidationError, match="只有主管部门和用人单位"):
            plan_create(actor=tree.admins[name], org_id=org.pk, year=THIS_YEAR)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": datetime.date(THIS_YEAR, 4, 9)}, "ends_on", "结束日期不能早于开始日期"),
        (
            {
                "starts_on": datetime.date(THIS_YEAR + 1, 1, 5),
                "ends_on": datetime.date(THIS_YEAR + 1, 1, 6),
            },
            "starts_on",
            "年度内",
        ),
        (
            {
                "starts_on": datetime.date(THIS_YEAR - 1, 1, 5),
                "ends_on": datetime.date(THIS_YEAR, 3, 6),
            },
            "ends_on",
            "不能超过一年",
        ),
        ({"hours": Decimal("0")}, "hours", "大于 0"),
        ({"hours": Decimal("500.5")}, "hours", "不超过 500"),
        ({"participants": 0}, "participants", "1 至"),
        ({"form": "dance"}, "form", ""),
        ({"starts_on": datetime.date(1900, 1, 1)}, "starts_on", "1949-01-01"),
    ],
)
def test_a_project_is_checked(tree, changes, field, message):
    plan = make_plan(tree, items=0)
    with pytest.raises(ValidationError) as caught:
        plan_item_add(actor=tree.admins["hospital1"], plan_id=plan.pk, **item_fields(**changes))
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert not PlanItem.objects.filter(plan=plan).exists()


def test_a_project_may_start_in_december_before_its_year(tree):
    plan = make_plan(tree, items=0)
    item = plan_item_add(
        actor=tree.admins["hospital1"],
        plan_id=plan.pk,
        **item_fields(starts_on=datetime.date(THIS_YEAR - 1, 12, 20)),
    )
    assert item.position == 1


def test_the_plan_page_saves_all_rows_or_none(tree):
    plan = make_plan(tree, items=2)
    first, second = plan.items.order_by("position")
    rows = [
        ItemRow(first.pk, item_fields(title="改过的名称")),
        ItemRow(second.pk, {}, remove=True),
        ItemRow(None, item_fields(title="新项目")),
        ItemRow(None, item_fields(hours=Decimal("0"))),
    ]
    with pytest.raises(ItemRowError) as caught:
        plan_save(actor=tree.admins["hospital1"], plan_id=plan.pk, title="计划", rows=rows)
    assert caught.value.index == 3 and "hours" in caught.value.message_dict
    assert list(plan.items.values_list("title", flat=True)) == ["培训项目1", "培训项目2"]
    plan_save(actor=tree.admins["hospital1"], plan_id=plan.pk, title="计划", rows=rows[:3])
    assert list(plan.items.values_list("position", "title")) == [(1, "改过的名称"), (2, "新项目")]
    # Another plan's project is not this page's to change.
    other = make_plan(tree, "hospital2")
    with pytest.raises(Http404):
        plan_save(
            actor=tree.admins["hospital1"],
            plan_id=plan.pk,
            rows=[ItemRow(other.items.get().pk, item_fields())],
        )


def test_submitting_needs_a_project_and_tells_the_office(tree):
    plan = make_plan(tree, items=0)
    with pytest.raises(ValidationError, match="至少填写一个培训项目"):
        plan_submit(actor=tree.admins["hospital1"], plan_id=plan.pk)
    plan_item_add(actor=tree.admins["hospital1"], plan_id=plan.pk, **item_fields())
    plan = plan_submit(actor=tree.admins["hospital1"], plan_id=plan.pk)
    assert plan.status == FilingStatus.SUBMITTED and plan.submitted_at is not None
    message = Notification.objects.get(user=tree.admins["pds"])
    assert message.title == "年度培训计划待备案" and "平顶山市第一人民医院" in message.body
    assert message.link == f"/plans/{plan.pk}/"
    with pytest.raises(ValidationError, match="不能重复报送"):
        plan_submit(actor=tree.admins["hospital1"], plan_id=plan.pk)
    # Submitted, it waits for the office: the unit cannot change it meanwhile.
    with pytest.raises(ValidationError, match="不能修改"):
        plan_item_add(actor=tree.admins["hospital1"], plan_id=plan.pk, **item_fields())


def test_a_plan_submitted_after_30_march_is_late(tree):
    late = make_plan(tree, year=THIS_YEAR - 1, status=FilingStatus.SUBMITTED)
    assert late.due_on == datetime.date(THIS_YEAR - 1, 3, 30)
    assert late.is_late
    assert "（已逾期）" in Notification.objects.get(user=tree.admins["pds"]).body
    early = make_plan(tree, "hospital2", year=THIS_YEAR + 1, status=FilingStatus.SUBMITTED)
    assert not early.is_late
    # Judged by the day of submission, in Beijing time.
    early.submitted_at = datetime.datetime(THIS_YEAR + 1, 3, 30, 15, 59, tzinfo=datetime.UTC)
    assert not early.is_late  # 23:59 on 30 March
    early.submitted_at = datetime.datetime(THIS_YEAR + 1, 3, 30, 16, 0, tzinfo=datetime.UTC)
    assert early.is_late  # 00:00 on 31 March


def test_the_office_files_a_plan_once(tree):
    plan = make_plan(tree, status=FilingStatus.SUBMITTED)
    filed = plan_file(actor=tree.admins["pds"], plan_id=plan.pk)
    assert filed.status == FilingStatus.FILED and filed.decided_by == tree.admins["pds"]
    with pytest.raises(ValidationError) as caught:
        plan_file(actor=tree.admins["pds"], plan_id=plan.pk)
    assert caught.value.messages == ["该材料已被处理（已备案），无需重复操作。"]
    with pytest.raises(ValidationError, match="已被处理"):
        plan_return(actor=tree.admins["pds"], plan_id=plan.pk, reason="迟到的退回")
    message = Notification.objects.get(user=tree.admins["hospital1"])
    assert message.title == "年度培训计划已备案"
    assert AuditLog.objects.filter(action="plan.file", target=f"plan:{plan.pk}").count() == 1
    # Filed is final: no change, no second submission.
    with pytest.raises(ValidationError, match="不能修改"):
        plan_item_update(
            actor=tree.admins["hospital1"], item_id=plan.items.get().pk, **item_fields()
        )
    with pytest.raises(ValidationError, match="不能重复报送"):
        plan_submit(actor=tree.admins["hospital1"], plan_id=plan.pk)


def test_only_the_filing_office_decides(tree):
    plan = make_plan(tree, status=FilingStatus.SUBMITTED)
    # 漯河 cannot see it at all; the province sees it, but 平顶山 files it.
    with pytest.raises(Http404):
        plan_file(actor=tree.admins["lh"], plan_id=plan.pk)
    with pytest.raises(ValidationError, match="由“平顶山市人力资源和社会保障局”备案"):
        plan_file(actor=tree.admins["province"], plan_id=plan.pk)
    # The unit's department sees its plans, and files none.
    with pytest.raises(ValidationError, match="您无权办理"):
        plan_return(actor=tree.admins["health"], plan_id=plan.pk, reason="不是我的")
    plan.refresh_from_db()
    assert plan.status == FilingStatus.SUBMITTED


def test_a_returned_plan_is_corrected_and_submitted_again(tree):
    plan = make_plan(tree, status=FilingStatus.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        plan_return(actor=tree.admins["pds"], plan_id=plan.pk, reason="  ")
    assert caught.value.message_dict == {"reason": ["请填写退回的理由。"]}
    returned = plan_return(actor=tree.admins["pds"], plan_id=plan.pk, reason="学时填写有误")
    assert returned.status == FilingStatus.RETURNED and returned.return_reason == "学时填写有误"
    message = Notification.objects.get(user=tree.admins["hospital1"])
    assert message.title == "年度培训计划被退回" and "学时填写有误" in message.body
    item = plan.items.get()
    plan_item_update(
        actor=tree.admins["hospital1"], item_id=item.pk, **item_fields(hours=Decimal("8"))
    )
    again = plan_submit(actor=tree.admins["hospital1"], plan_id=plan.pk)
    assert again.status == FilingStatus.SUBMITTED and again.return_reason == ""
    assert again.submitted_at == plan.submitted_at  # the first submission stays the one judged
    assert plan_file(actor=tree.admins["pds"], plan_id=plan.pk).status == FilingStatus.FILED
    actions = AuditLog.objects.filter(target=f"plan:{plan.pk}").values_list("action", flat=True)
    assert {"plan.submit", "plan.return", "plan.item.update", "plan.file"} <= set(actions)


def test_removing_a_project_renumbers_nothing_it_should_not(tree):
    plan = make_plan(tree, items=3)
    middle = plan.items.get(position=2)
    plan_item_remove(actor=tree.admins["hospital1"], item_id=middle.pk)
    later = plan_item_add(actor=tree.admins["hospital1"], plan_id=plan.pk, **item_fields())
    assert later.position == 4  # after the last, never a duplicate number
    with pytest.raises(Http404):
        plan_item_remove(actor=tree.admins["hospital2"], item_id=later.pk)
    assert TrainingPlan.objects.get(pk=plan.pk).items.count() == 3
