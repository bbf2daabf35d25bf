"""Seals (电子签章) and certificate issues (电子证书).

A seal belongs to an HRSS office and is stamped only once the province has approved it; a new
version replaces the old one, and an issue keeps the version it was stamped with. An issue is
a stored certificate: its data snapshot, its PDF and preview, the PDF's SHA-256 and a random
verification code; later filings or revocations supersede it, never delete it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Seal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已启用"
        REJECTED = "rejected", "未通过"
        REPLACED = "replaced", "已更换"
        REVOKED = "revoked", "已停用"

    class Source(models.TextChoices):
        GENERATED = "generated", "系统生成"
        UPLOADED = "uploaded", "上传图片"

    office = models.ForeignKey(
        "orgtree.Org", verbose_name="申请单位", on_delete=models.PROTECT, related_name="seals"
    )
    version = models.PositiveSmallIntegerField("版本")
    text = models.CharField("印章文字", max_length=40)
    source = models.CharField("印章来源", max_length=10, choices=Source.choices)
    svg = models.TextField("印章图形（SVG）", blank=True)
    image = models.FileField("印章图片（PNG）", upload_to="seals/%Y/", blank=True)
    letter = models.TextField("申请说明", max_length=1000, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    applied_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    reject_reason = models.CharField("未通过原因", max_length=300, blank=True)
    ended_at = models.DateTimeField("停用时间", null=True, blank=True)
    end_reason = models.CharField("停用原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "继续教育专用章"
        verbose_name_plural = "继续教育专用章"
        ordering = ["office_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["office", "version"], name="seal_office_version"),
            # At most one seal in force per office: the one certificates are stamped with.
            models.UniqueConstraint(
                fields=["office"], condition=Q(status="approved"), name="seal_one_approved"
            ),
        ]
        indexes = [models.Index(fields=["status", "applied_at"], name="seal_status_applied")]

    def __str__(self) -> str:
        return f"{self.text}（第 {self.version} 版，{self.get_status_display()}）"

    @property
    def content_type(self) -> str:
        return "image/svg+xml" if self.source == self.Source.GENERATED else "image/png"


class CertificateIssue(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", "有效"
        SUPERSEDED = "superseded", "已被新证书替代"
        REVOKED = "revoked", "已作废"

    class Render(models.TextChoices):
        PENDING = "pending", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    code = models.CharField("核验码", max_length=32, unique=True)
    person = models.ForeignKey(
        "accounts.Person",
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="certificate_issues",
    )
    first_year = models.PositiveSmallIntegerField("起始年度")
    last_year = models.PositiveSmallIntegerField("截止年度")
    snapshot = models.JSONField("证书数据")
    data_hash = models.CharField("数据摘要", max_length=64)
    seal = models.ForeignKey(
        Seal, verbose_name="加盖印章", on_delete=models.PROTECT, related_name="issues"
    )
    office = models.ForeignKey(
        "orgtree.Org", verbose_name="发证机关", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.VALID)
    render_status = models.CharField(
        "生成状态", max_length=10, choices=Render.choices, default=Render.PENDING
    )
    render_error = models.TextField("生成错误", blank=True)
    pdf = models.FileField("PDF 文件", upload_to="certificates/%Y/%m/", blank=True)
    preview = models.FileField("预览图", upload_to="certificates/%Y/%m/", blank=True)
    sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("文件大小", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    issued_at = models.DateTimeField("出证时间", default=timezone.now)
    rendered_at = models.DateTimeField("生成时间", null=True, blank=True)
    superseded_at = models.DateTimeField("替代时间", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField("作废原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "电子证书"
        verbose_name_plural = "电子证书"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Reuse instead of re-rendering: one valid issue per person, range and content.
            models.UniqueConstraint(
                fields=["person", "first_year", "last_year", "data_hash"],
                condition=Q(status="valid"),
                name="issue_one_valid_per_content",
            ),
            models.CheckConstraint(
                condition=Q(first_year__lte=models.F("last_year")), name="issue_year_range"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status", "first_year"], name="issue_person_status"),
            models.Index(fields=["-issued_at", "-id"], name="issue_issued"),
            # The sweep's look-up of renders still pending (services.issues_render_requeue).
            models.Index(
                fields=["issued_at"],
                condition=Q(render_status="pending"),
                name="issue_render_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.years_label} {self.snapshot.get('name', '')}（{self.get_status_display()}）"

    @property
    def years_label(self) -> str:
        if self.first_year == self.last_year:
            return f"{self.first_year} 年度"
        return f"{self.first_year}—{self.last_year} 年度"

    @property
    def is_merged(self) -> bool:
        return self.first_year != self.last_year

    @property
    def is_ready(self) -> bool:
        return self.render_status == self.Render.READY


class VerificationLog(models.Model):
    """One public check of a certificate (the QR page, the lookup or the API), found or not.

    Written with a single INSERT per request. The client is kept only as a keyed hash of its
    address: enough to see one source hammering the lookup, never the address itself.
    """

    class Channel(models.TextChoices):
        PAGE = "page", "扫码核验"
        LOOKUP = "lookup", "证书查询"
        API = "api", "接口查询"

    created_at = models.DateTimeField("核验时间", default=timezone.now)
    code = models.CharField("查询内容", max_length=40, blank=True)
    issue = models.ForeignKey(
        CertificateIssue,
        verbose_name="证书",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verifications",
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    ip_hash = models.CharField("来源（IP 摘要）", max_length=64)
    found = models.BooleanField("查询到证书")

    class Meta:
        verbose_name = "证书核验记录"
        verbose_name_plural = "证书核验记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="verification_created")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.code}（{'查到' if self.found else '未查到'}）"


from .models_keys import SigningKey  # noqa: E402,F401  (one models module for Django)
