"""Bulk intake (DESIGN.md, "Volume"): import batches and their rows, training institutions'
programmes, and the learning platforms' push tokens and records."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .common import HOURS


def import_file_path(instance, filename: str) -> str:
    # Random names: the uploader's file name is kept in a field, never trusted as a path.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class TrainingProgramme(models.Model):
    """A training programme of an institution (施教机构), approved by an authority; its
    results (成绩) become declarations of the people who passed."""

    institution = models.ForeignKey(
        "orgtree.Org", verbose_name="施教机构", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField("机构路径", max_length=255, db_index=True)
    title = models.CharField("培训项目名称", max_length=200)
    category = models.CharField("学时类别", max_length=32)
    subject = models.CharField("科目", max_length=12)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    hours = models.DecimalField("学时", **HOURS)
    approver = models.CharField("批准机关", max_length=200)
    document_no = models.CharField("批准文号", max_length=100)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "培训项目"
        verbose_name_plural = "培训项目"
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["institution", "-start_date"], name="programme_inst")]

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int:
        """The year whose hours the programme counts for: the year it ends (is assessed)."""
        return self.end_date.year


class ImportBatch(models.Model):
    """One uploaded file of one import kind, its validation report and its commit."""

    class Kind(models.TextChoices):
        UNIT = "unit_declarations", "单位批量申报"
        DEPARTMENT = "department_declarations", "主管部门批量申报"
        PEOPLE = "people", "人员批量导入"
        LEGACY = "legacy", "学时转登"
        INSTITUTION = "institution_results", "培训成绩上报"

    class Status(models.TextChoices):
        VALIDATING = "validating", "校验中"
        VALIDATED = "validated", "待提交"
        COMMITTING = "committing", "提交中"
        COMMITTED = "committed", "已提交"
        FAILED = "failed", "文件无法处理"
        DISCARDED = "discarded", "已放弃"

    kind = models.CharField("导入类型", max_length=32, choices=Kind.choices)
    # The org the uploader acts for, and its path: the batch is in the scope of its admins.
    org = models.ForeignKey(
        "orgtree.Org", verbose_name="导入机构", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField("机构路径", max_length=255, db_index=True)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name="培训项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    file = models.FileField("文件", upload_to=import_file_path, blank=True)
    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64)
    file_size = models.PositiveIntegerField("文件大小（字节）")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.VALIDATING
    )
    message = models.CharField("说明", max_length=500, blank=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    valid_rows = models.PositiveIntegerField("有效行数", default=0)
    error_rows = models.PositiveIntegerField("错误行数", default=0)
    skipped_rows = models.PositiveIntegerField("不登记行数", default=0)
    committed_rows = models.PositiveIntegerField("已导入行数", default=0)
    validate_job = models.ForeignKey(
        "portal.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    commit_job = models.ForeignKey(
        "portal.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    validated_at = models.DateTimeField("校验完成时间", null=True, blank=True)
    committed_at = models.DateTimeField("提交时间", null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["org_path", "-created_at"],
                name="importbatch_path_created",
                opclasses=["varchar_pattern_ops", ""],
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"


class ImportRow(models.Model):
    """One data row of a batch as validated: its values, its outcome and, once committed, the
    natural key of the declaration (or the person) it became."""

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        ERROR = "error", "有错误"
        SKIPPED = "skipped", "不登记"
        COMMITTED = "committed", "已导入"
        DUPLICATE = "duplicate", "提交时已存在"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField("行号")
    values = models.JSONField("内容", default=dict)
    status = models.CharField("结果", max_length=10, choices=Status.choices)
    errors = models.CharField("说明", max_length=1000, blank=True)
    person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    natural_key = models.CharField("去重键", max_length=64, blank=True)

    class Meta:
        verbose_name = "导入行"
        verbose_name_plural = "导入行"
        ordering = ["batch", "line"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="importrow_batch_line")
        ]
        indexes = [models.Index(fields=["batch", "status", "line"], name="importrow_status")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line}"


class ApiToken(models.Model):
    """A learning platform's key to push completions for one institution: issued, listed and
    revoked by the institution's HRSS office; only its SHA-256 is kept (the token is shown
    once)."""

    institution = models.ForeignKey(
        "orgtree.Org", verbose_name="施教机构", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField("机构路径", max_length=255, db_index=True)
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("令牌前缀", max_length=12)
    digest = models.CharField("令牌摘要", max_length=64, unique=True)
    # Set by the province's HRSS office only: its public-course completions enter as filed.
    recognised = models.BooleanField("省级认定的公需科目学习平台", default=False)
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "平台接口令牌"
        verbose_name_plural = "平台接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class PlatformRecord(models.Model):
    """A pushed completion, by its platform's external id: a replay is answered with the
    first result and never makes a second declaration."""

    institution = models.ForeignKey(
        "orgtree.Org", verbose_name="施教机构", on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField("平台记录号", max_length=100)
    token = models.ForeignKey(ApiToken, null=True, on_delete=models.SET_NULL, related_name="+")
    result = models.JSONField("处理结果", default=dict)
    declaration = models.ForeignKey(
        "credits.Declaration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField("接收时间", default=timezone.now)

    class Meta:
        verbose_name = "平台推送记录"
        verbose_name_plural = "平台推送记录"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "external_id"], name="platformrecord_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}:{self.external_id}"
