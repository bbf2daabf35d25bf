"""Declarations, exemptions, their evidence and trail, and the person-year summary."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.uploads import THUMBNAIL_TYPES

from .common import HOURS


class ReviewStatus(models.TextChoices):
    """States shared by declarations and exemptions (DESIGN.md, the workflow)."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待单位审核"
    UNIT_APPROVED = "unit_approved", "待主管部门审核"
    DEPT_APPROVED = "dept_approved", "待人社部门备案"
    FILED = "filed", "已备案"
    RETURNED = "returned", "已退回"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"
    REVOKED = "revoked", "已撤销"


IN_REVIEW = (ReviewStatus.SUBMITTED, ReviewStatus.UNIT_APPROVED, ReviewStatus.DEPT_APPROVED)
EDITABLE = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


def waiting_index(name: str) -> models.Index:
    """The review queues' index: the rows waiting at a review step (a few percent of the table),
    by status and unit path, carrying what a queue filters and sorts on, so that a narrow scope
    (a unit, a department, a county) and the bounded counts read this index alone."""
    return models.Index(
        fields=["status", "org_path"],
        name=name,
        opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
        include=["has_department", "year", "submitted_at", "id"],
        condition=models.Q(status__in=IN_REVIEW),
    )


def name_index(name: str) -> models.Index:
    """The review queues' name search: the waiting rows by status and name prefix, carrying
    what a queue filters and sorts on (a join to the people for a name cost 30-150 ms a page at
    province scale; this index reads a few thousand entries at most)."""
    return models.Index(
        fields=["status", "person_name"],
        name=name,
        opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
        include=["org_path", "has_department", "year", "submitted_at", "id"],
        condition=models.Q(status__in=IN_REVIEW),
    )


def submitted_when_waiting(name: str) -> models.CheckConstraint:
    """A row waiting at a review step has its submission time (the submit transition sets it),
    so the queues page on (submitted_at, id) with a single index range."""
    return models.CheckConstraint(
        condition=~models.Q(status__in=IN_REVIEW) | models.Q(submitted_at__isnull=False),
        name=name,
    )


class Reviewable(models.Model):
    """What a declaration and an exemption share: whose, where in the tree, and review state."""

    person = models.ForeignKey(
        "accounts.Person", verbose_name="专业技术人员", on_delete=models.PROTECT, related_name="+"
    )
    # The unit when the record was made: a later transfer leaves the record with this unit.
    unit = models.ForeignKey(
        "orgtree.Org", verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField("单位路径", max_length=255, db_index=True)
    # The person's name, copied for the queues' name search (name_index). Names are set at
    # registration, before any record exists; a service that corrects a name must update it.
    person_name = models.CharField("姓名", max_length=50, blank=True)
    # Whether the unit had a department (主管部门) when the record was made: the review route.
    has_department = models.BooleanField("经主管部门审核", default=True)
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField(
        "状态", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.person_name and self.person_id:
            self.person_name = self.person.user.name
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "person_name"}
        super().save(*args, **kwargs)

    @property
    def status_label(self) -> str:
        """The status as the record's own route reads it: a unit without a department goes
        from its own review straight to HRSS filing, so its 单位已审核 waits for 备案."""
        if self.status == ReviewStatus.UNIT_APPROVED and not self.has_department:
            return ReviewStatus.DEPT_APPROVED.label
        return self.get_status_display()

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class Declaration(Reviewable):
    """One activity of one person in one year, in one subject and category (HOURS_RULES.md)."""

    class Assessment(models.TextChoices):
        """考核结果 (管理办法 第十条). Rows from before the field read 不适用: nothing was
        recorded, and a result nobody gave must not be invented (but an institution's rows
        read 合格: its upload only ever registered those; migration 0015)."""

        PASSED = "passed", "合格"
        FAILED = "failed", "不合格"
        NOT_APPLICABLE = "not_applicable", "不适用"

    class Source(models.TextChoices):
        SELF = "self", "本人申报"
        UNIT_BATCH = "unit_batch", "单位批量申报"
        DEPARTMENT_BATCH = "department_batch", "主管部门批量申报"
        INSTITUTION = "institution", "施教机构上报"
        PLATFORM = "platform", "平台自动登记"
        LEGACY = "legacy", "纸质证书转登"

    subject = models.CharField("科目", max_length=12)
    category = models.CharField("类别", max_length=32)
    params = models.JSONField("计算参数", default=dict, blank=True)
    title = models.CharField("项目名称", max_length=200)
    organiser = models.CharField("主办（发表、授予）单位", max_length=200, blank=True)
    start_date = models.DateField("开始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)
    description = models.TextField("说明", blank=True)
    assessment_result = models.CharField(
        "考核结果",
        max_length=16,
        choices=Assessment.choices,
        default=Assessment.NOT_APPLICABLE,
    )
    claimed_hours = models.DecimalField("申报学时", **HOURS)
    computed_hours = models.DecimalField("按标准计算学时", null=True, blank=True, **HOURS)
    basis = models.CharField("学时依据", max_length=20)
    approved_hours = models.DecimalField("认定学时", null=True, blank=True, **HOURS)
    approved_reason = models.CharField("学时调整原因", max_length=300, blank=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.SELF)
    # The natural key's digest (credits.intake.keys): person, year, subject, category, title,
    # start date. Unique among intake rows, so that no file, commit or push enters twice.
    natural_key = models.CharField("去重键", max_length=64, blank=True, db_index=True)
    batch = models.ForeignKey(
        "credits.ImportBatch",
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="declarations",
    )
    # unit_training and department_training name a project of a filed 年度培训计划
    # (证明材料说明 13, 14); other categories leave it empty.
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name="培训计划项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "学时申报"
        verbose_name_plural = "学时申报"
        indexes = [
            models.Index(fields=["status", "submitted_at", "id"], name="decl_status_submitted"),
            models.Index(fields=["person", "year", "status"], name="decl_person_year"),
            waiting_index("decl_waiting_path"),
            name_index("decl_waiting_name"),
            # The spot-check draw (credits/services/checks.py): one year's filed rows under a
            # path, counted and ranked from this index alone; the path index read every year.
            models.Index(
                fields=["year", "org_path"],
                name="decl_filed_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
                include=["id"],
                condition=models.Q(status=ReviewStatus.FILED),
            ),
        ]
        constraints = [
            submitted_when_waiting("decl_waiting_submitted"),
            models.UniqueConstraint(
                fields=["natural_key"],
                condition=~models.Q(source="self") & ~models.Q(natural_key=""),
                name="decl_intake_natural_key",
                violation_error_message="与已有的导入记录重复（同一人员、年度、科目、类别、项目名称和开始日期），请勿重复申报。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def counted_hours(self):
        """What counts once filed: the reviewer's hours when set, else the claimed hours."""
        return self.approved_hours if self.approved_hours is not None else self.claimed_hours


class Exemption(Reviewable):
    """A pro-rating of a year's requirement for time off duty (管理办法 第八条)."""

    class Reason(models.TextChoices):
        ABROAD = "abroad", "年度内在境外工作超过 6 个月"
        SICK_LEAVE = "sick_leave", "年度内因病假超过 6 个月"
        MATERNITY = "maternity", "生育"
        OTHER = "other", "经业务主管部门批准的其他情况"

    reason = models.CharField("情形", max_length=12, choices=Reason.choices)
    on_duty_months = models.PositiveSmallIntegerField("实际在岗月数")
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "学时折算申请"
        verbose_name_plural = "学时折算申请"
        indexes = [
            models.Index(fields=["status", "submitted_at", "id"], name="exempt_status_submitted"),
            models.Index(fields=["person", "year", "status"], name="exempt_person_year"),
            waiting_index("exempt_waiting_path"),
            name_index("exempt_waiting_name"),
        ]
        constraints = [submitted_when_waiting("exempt_waiting_submitted")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_reason_display()}（在岗 {self.on_duty_months} 个月）"


def evidence_path(instance, filename: str) -> str:
    # Random names: the original name is kept in a field, never trusted as a path.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def evidence_thumbnail_path(instance, filename: str) -> str:
    return f"evidence/thumbnails/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class Evidence(models.Model):
    """An uploaded proof (PDF, JPEG or PNG), served only through a scope-checked view."""

    declaration = models.ForeignKey(
        Declaration, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    exemption = models.ForeignKey(
        Exemption, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("文件", upload_to=evidence_path)
    # Made once, after the upload commits, by credits.tasks; never by a request. An image whose
    # thumbnail could not be made keeps the reason and is shown by its name only.
    thumbnail = models.FileField("缩略图", upload_to=evidence_thumbnail_path, blank=True)
    thumbnail_error = models.CharField("缩略图失败原因", max_length=200, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(declaration__isnull=False, exemption__isnull=True)
                | models.Q(declaration__isnull=True, exemption__isnull=False),
                name="evidence_has_one_owner",
            )
        ]
        indexes = [
            # The beat's sweep for images still without a thumbnail: a few rows, not all.
            models.Index(
                fields=["id"],
                name="evidence_thumbnail_todo",
                condition=models.Q(
                    content_type__in=THUMBNAIL_TYPES,
                    thumbnail="",
                    thumbnail_error="",
                ),
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def owner(self):
        return self.declaration or self.exemption


class ReviewEvent(models.Model):
    """The trail (and audit row) of every workflow transition of a declaration or exemption."""

    declaration = models.ForeignKey(
        Declaration, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    exemption = models.ForeignKey(
        Exemption, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=16, choices=ReviewStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=ReviewStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.CharField("意见", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class PersonYear(models.Model):
    """A person's completion of one year, kept by the filing service so that certificates and
    statistics never re-aggregate declarations."""

    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="years", verbose_name="人员"
    )
    year = models.PositiveSmallIntegerField("年度")
    org_path = models.CharField("单位路径", max_length=255, db_index=True)
    filed_public = models.DecimalField("已备案公需学时", default=0, **HOURS)
    filed_professional = models.DecimalField("已备案专业学时", default=0, **HOURS)
    full_professional = models.BooleanField("视为完成专业科目", default=False)
    full_year = models.BooleanField("视为完成全部学时", default=False)
    on_duty_months = models.PositiveSmallIntegerField("在岗月数", default=12)
    required_total = models.DecimalField("应完成总学时", **HOURS)
    required_public = models.DecimalField("应完成公需学时", **HOURS)
    required_professional = models.DecimalField("应完成专业学时", **HOURS)
    completed = models.BooleanField("合格", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度完成情况"
        verbose_name_plural = "年度完成情况"
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="personyear_unique")]
        indexes = [models.Index(fields=["year", "completed"], name="personyear_year_completed")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}: {'合格' if self.completed else '未完成'}"


# --- 抽查审验 (管理办法 第十一条（四）) and 失信记录 (平顶山 2018 通知 三（四）（五）) ---
