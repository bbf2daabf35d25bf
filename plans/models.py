"""年度培训计划 and 行业学时折算办法: documents a department or unit submits to its HRSS office,
which files (备案) or returns them. A filed plan's items are the training projects that
unit_training and department_training declarations may name (证明材料说明 13, 14)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class FilingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待备案"
    FILED = "filed", "已备案"
    RETURNED = "returned", "已退回"


class Filed(models.Model):
    """What a plan and a conversion document share: who submitted it, to which office, and the
    office's decision. ``org_path`` is the submitting org's path, for the one scoping rule."""

    Status = FilingStatus

    org = models.ForeignKey(
        "orgtree.Org", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField("机构路径", max_length=255, db_index=True)
    filing_office = models.ForeignKey(
        "orgtree.Org", verbose_name="备案机关", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.CharField("退回理由", max_length=300, blank=True)

    class Meta:
        abstract = True


class TrainingPlan(Filed):
    """A department's or unit's 年度专业技术人员培训计划 for one year (one per org and year; a
    returned plan is corrected and submitted again)."""

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=100)
    note = models.TextField("说明", blank=True)
    due_on = models.DateField("报送截止日期")

    class Meta:
        verbose_name = "年度培训计划"
        verbose_name_plural = "年度培训计划"
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="plan_one_per_org_year")
        ]
        indexes = [
            # The office's queue: its plans waiting, oldest first.
            models.Index(
                fields=["filing_office", "status", "submitted_at", "id"], name="plan_office_queue"
            ),
            # A department's or unit's list: its subtree's plans, of a year. Pattern operators,
            # so that PostgreSQL serves the path's LIKE 'prefix%' from it.
            models.Index(
                fields=["org_path", "year"],
                name="plan_path_year",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_late(self) -> bool:
        """Submitted after its due date (逾期); a plan still a draft after it is late too."""
        if self.submitted_at is not None:
            return timezone.localdate(self.submitted_at) > self.due_on
        return timezone.localdate() > self.due_on


class PlanItem(models.Model):
    """One training project of a plan."""

    class Form(models.TextChoices):
        CLASSROOM = "classroom", "面授培训"
        ONLINE = "online", "网络培训"
        SEMINAR = "seminar", "研修班"
        LECTURE = "lecture", "学术讲座"
        OTHER = "other", "其他"

    plan = models.ForeignKey(
        TrainingPlan, verbose_name="培训计划", on_delete=models.CASCADE, related_name="items"
    )
    title = models.CharField("培训项目名称", max_length=200)
    form = models.CharField("培训形式", max_length=10, choices=Form.choices)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    hours = models.DecimalField("计划学时", max_digits=5, decimal_places=1)
    participants = models.PositiveIntegerField("预计参训人数")
    organiser = models.CharField("组织实施单位", max_length=100)
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "培训项目"
        verbose_name_plural = "培训项目"
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.title


def conversion_document_path(instance, filename: str) -> str:
    return f"conversion-rules/{timezone.now():%Y}/{instance.org_id}/{filename}"


class ConversionRule(Filed):
    """A department's 行业（单位）学时折算办法 (平顶山 2018 三（一）): a PDF and a summary."""

    title = models.CharField("文件名称", max_length=200)
    summary = models.TextField("内容摘要")
    document = models.FileField("折算办法文件（PDF）", upload_to=conversion_document_path)
    document_sha256 = models.CharField("文件摘要", max_length=64)

    class Meta:
        verbose_name = "行业学时折算办法"
        verbose_name_plural = "行业学时折算办法"
        indexes = [
            models.Index(
                fields=["filing_office", "status", "submitted_at", "id"], name="rule_office_queue"
            ),
        ]

    def __str__(self) -> str:
        return self.title
