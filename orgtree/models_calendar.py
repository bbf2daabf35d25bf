"""The calendar (DESIGN.md, "Calendar"): deadlines are rows (region, year, kind, date) set by
an HRSS office for its own region; the most specific region wins, the province's rows are the
default. A 补学 window reopens a past year's declarations for a period. An exception lets one
person or one unit through a passed deadline, with a reason."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DeadlineKind(models.TextChoices):
    DECLARE = "declare", "学时申报"
    UNIT_REVIEW = "unit_review", "用人单位审核"
    DEPT_REVIEW = "dept_review", "主管部门审核"
    FILING = "filing", "人社部门备案"
    ORG_REGISTRATION = "org_registration", "单位注册"
    PERSON_REGISTRATION = "person_registration", "个人注册"
    MAKEUP = "makeup", "补学"


class Deadline(models.Model):
    """The last day of one kind of action for one year in one region (and the regions below it
    that set none of their own). For ``makeup`` the row is a window, ``opens_on`` to
    ``closes_on``, in which declaring for ``year`` is open again.

    ``year`` is the year of the hours (declaring, reviewing, filing, 补学) or, for the two
    registration kinds, the calendar year of the registration campaign."""

    Kind = DeadlineKind

    region = models.ForeignKey(
        "orgtree.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("事项", max_length=24, choices=DeadlineKind.choices)
    opens_on = models.DateField("开始日期", null=True, blank=True)
    closes_on = models.DateField("截止日期")
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(
        "orgtree.Org", verbose_name="设定机关", on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("设定时间", default=timezone.now)

    class Meta:
        verbose_name = "截止日期"
        verbose_name_plural = "截止日期"
        ordering = ["-year", "kind", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "kind"], name="deadline_one_per_region_year_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="makeup", opens_on__isnull=False)
                | (~models.Q(kind="makeup") & models.Q(opens_on__isnull=True)),
                name="deadline_window_only_for_makeup",
            ),
        ]
        indexes = [models.Index(fields=["kind", "year"], name="deadline_kind_year")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.get_kind_display()} {self.closes_on}"


class DeadlineException(models.Model):
    """Lets exactly one person (``user``) or one unit (``org``: its people's records, or the
    registrations under it) act after ``kind``'s deadline for ``year``, until ``expires_on``."""

    kind = models.CharField("事项", max_length=24, choices=DeadlineKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="人员账户",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgtree.Org",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The path of the unit the exception is for (a person's unit at the grant): the HRSS
    # offices above it see and revoke it (orgtree.selectors_calendar), as with any record.
    org_path = models.CharField("单位路径", max_length=255, db_index=True)
    reason = models.CharField("理由", max_length=300)
    expires_on = models.DateField("有效期至")
    office = models.ForeignKey(
        "orgtree.Org", verbose_name="批准机关", on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("批准时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "截止日期例外"
        verbose_name_plural = "截止日期例外"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, org__isnull=True)
                | models.Q(user__isnull=True, org__isnull=False),
                name="deadline_exception_one_subject",
            )
        ]
        indexes = [models.Index(fields=["kind", "year"], name="deadline_exc_kind_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} 例外"
