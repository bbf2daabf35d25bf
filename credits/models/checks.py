"""Spot checks (抽查审验) and sanctions (失信记录)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .records import Declaration


class SpotCheck(models.Model):
    """A random sample of one year's filed declarations under an HRSS office, drawn once.

    The filed rows of the year under ``scope_org`` are ranked by ``hashint8extended(id, seed)``
    (ties by id) and the first n are the items, so a sample can be redrawn from its seed
    (credits.services.checks.spot_check_draw).
    """

    class Method(models.TextChoices):
        PERCENT = "percent", "按比例"
        COUNT = "count", "按数量"

    year = models.PositiveSmallIntegerField("年度")
    scope_org = models.ForeignKey(
        "orgtree.Org", verbose_name="抽查范围", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField("范围路径", max_length=255, db_index=True)
    method = models.CharField("抽样方式", max_length=8, choices=Method.choices)
    value = models.DecimalField("比例或数量", max_digits=9, decimal_places=2)
    population = models.PositiveIntegerField("已备案记录数")
    seed = models.BigIntegerField("随机种子")
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "抽查审验"
        verbose_name_plural = "抽查审验"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year} 年度抽查（{self.scope_org_id}）"


class SpotCheckItem(models.Model):
    """One sampled declaration and what the check found; decided once."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "待核查"
        CONFIRMED = "confirmed", "确认无误"
        REVOKED = "revoked", "已撤销"

    spot_check = models.ForeignKey(
        SpotCheck, verbose_name="抽查", on_delete=models.CASCADE, related_name="items"
    )
    declaration = models.ForeignKey(
        Declaration, verbose_name="学时申报", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        "核查结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    note = models.CharField("核查说明", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("核查时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽查记录"
        verbose_name_plural = "抽查记录"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["spot_check", "declaration"], name="spotcheckitem_unique"
            )
        ]
        indexes = [models.Index(fields=["spot_check", "outcome"], name="spotcheckitem_outcome")]

    def __str__(self) -> str:
        return f"{self.spot_check_id}/{self.declaration_id}: {self.outcome}"


class SanctionQuerySet(models.QuerySet):
    """A bar expires by itself: whether it holds is a question about a date, never a cron job."""

    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, barred_from__lte=on, barred_until__gte=on)

    def expired(self, on=None):
        on = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, barred_until__lt=on)


class Sanction(models.Model):
    """A falsification finding (学时信息造假) against a person or a unit, barring them from
    applying for the HRSS's expert reviews for a fixed number of years."""

    # 三、有关要求（四）（五）: a person for 3 years, a unit for 2 years.
    BAR_YEARS = {"person": 3, "unit": 2}

    person = models.ForeignKey(
        "accounts.Person",
        verbose_name="专业技术人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgtree.Org",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The subject's place in the tree when the finding was recorded (for scoping).
    org_path = models.CharField("单位路径", max_length=255, db_index=True)
    reason = models.CharField("认定事实", max_length=500)
    found_on = models.DateField("认定日期")
    barred_from = models.DateField("限制起始日期")
    barred_until = models.DateField("限制截止日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField("撤销原因", max_length=300, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = "失信记录"
        verbose_name_plural = "失信记录"
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, unit__isnull=True)
                | models.Q(person__isnull=True, unit__isnull=False),
                name="sanction_has_one_subject",
            )
        ]
        indexes = [
            models.Index(fields=["person", "barred_until"], name="sanction_person_until"),
            models.Index(fields=["unit", "barred_until"], name="sanction_unit_until"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind} {self.person_id or self.unit_id} 至 {self.barred_until}"

    @property
    def subject_kind(self) -> str:
        return "person" if self.person_id else "unit"

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.revoked_at is None and self.barred_from <= on <= self.barred_until

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        today = timezone.localdate()
        if today < self.barred_from:
            return "pending"
        return "active" if today <= self.barred_until else "expired"
