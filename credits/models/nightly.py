"""The nightly checks' findings (issue 15): derived data compared with a recomputation, and
the org tree with its invariants. A difference is reported, never silently fixed."""

from django.db import models
from django.utils import timezone


class NightlyCheck(models.Model):
    class Kind(models.TextChoices):
        PERSON_YEARS = "person_years", "年度完成情况汇总"
        STATISTICS = "statistics", "统计表"
        ORG_TREE = "org_tree", "机构树"

    kind = models.CharField("检查项目", max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    ran_at = models.DateTimeField("检查时间", default=timezone.now)
    checked = models.PositiveIntegerField("检查条数", default=0)
    differences = models.PositiveIntegerField("差异条数", default=0)
    # The first differences found (what, which row, stored and expected), for the page.
    detail = models.JSONField("差异示例", default=list, blank=True)

    class Meta:
        verbose_name = "夜间核查"
        verbose_name_plural = "夜间核查"
        ordering = ["-ran_at", "-id"]
        indexes = [models.Index(fields=["-ran_at"], name="nightlycheck_ran")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year or ''} {self.ran_at:%Y-%m-%d}"

    @property
    def ok(self) -> bool:
        return self.differences == 0
