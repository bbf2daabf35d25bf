"""The statistics tables (DESIGN.md, "Statistics"): small per-unit rows kept current from the
person-year summaries when person-years change and rebuilt nightly, and the same figures rolled
up for every office and department (the sum of its subtree's unit rows, recomputed from its
children whenever one of its units' rows is), so that a scope's figures are its own rows and a
drill-down its children's: never an aggregate of the declarations, nor of a province's units,
per request."""

from django.db import models
from django.utils import timezone

from .common import HOURS

SUM_HOURS = HOURS | {"max_digits": 14}


class YearFigures(models.Model):
    """The figures of one year and title level (and industry): people, those with a
    declaration, those 合格, those holding a valid certificate of the year, and their filed
    hours (people as they are now: a person who moved counts in the new unit)."""

    year = models.PositiveSmallIntegerField("年度")
    title_level = models.CharField("职称级别", max_length=20)
    # The unit's industry when the rows were computed (for the breakdown by industry).
    industry = models.CharField("行业", max_length=60, blank=True, default="")
    people = models.PositiveIntegerField("已注册人数", default=0)
    declared = models.PositiveIntegerField("有申报的人数", default=0)
    completed = models.PositiveIntegerField("合格人数", default=0)
    certified = models.PositiveIntegerField("持有效证书人数", default=0)
    filed_public = models.DecimalField("已备案公需学时", default=0, **SUM_HOURS)
    filed_professional = models.DecimalField("已备案专业学时", default=0, **SUM_HOURS)
    # A rollup's is the oldest refresh among the unit rows summed: every figure is that fresh.
    refreshed_at = models.DateTimeField("统计时间", default=timezone.now)

    class Meta:
        abstract = True


class FiledFigures(models.Model):
    """The filed declarations of one year by filing month, subject, category and source: how
    many, and their hours (for the breakdowns and the chart by month)."""

    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("备案月份")  # 1-12, of the filing, any year
    filed_year = models.PositiveSmallIntegerField("备案年份")
    subject = models.CharField("科目", max_length=12)
    category = models.CharField("类别", max_length=32)
    source = models.CharField("来源", max_length=20)
    count = models.PositiveIntegerField("条数", default=0)
    hours = models.DecimalField("学时", default=0, **SUM_HOURS)

    class Meta:
        abstract = True


class UnitYearStat(YearFigures):
    """One unit, year and title level."""

    unit = models.ForeignKey(
        "orgtree.Org", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    org_path = models.CharField("单位路径", max_length=255)

    class Meta:
        verbose_name = "单位年度统计"
        verbose_name_plural = "单位年度统计"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "title_level"], name="unityearstat_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["year", "org_path"],
                name="unityearstat_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.title_level}"


class UnitYearFiled(FiledFigures):
    """One unit's filed declarations of a year."""

    unit = models.ForeignKey(
        "orgtree.Org", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    org_path = models.CharField("单位路径", max_length=255)

    class Meta:
        verbose_name = "单位年度备案统计"
        verbose_name_plural = "单位年度备案统计"
        indexes = [
            models.Index(
                fields=["year", "org_path"],
                name="unityearfiled_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["unit", "year"], name="unityearfiled_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.category}"


# The figures a rollup row sums, and the filing rows' (shared with the services that compute
# them and the selectors that read them).
STAT_SUMS = (
    "people",
    "declared",
    "completed",
    "certified",
    "filed_public",
    "filed_professional",
)
FILED_SUMS = ("count", "hours")


class OrgYearStat(YearFigures):
    """An office's or department's figures for a year, title level and industry: the sums of
    the UnitYearStat rows of every unit in its subtree."""

    org = models.ForeignKey(
        "orgtree.Org", verbose_name="机构", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "机构年度统计"
        verbose_name_plural = "机构年度统计"
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "title_level", "industry"], name="orgyearstat_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year} {self.title_level} {self.industry}"


class OrgYearFiled(FiledFigures):
    """An office's or department's filed declarations for a year: the sums of the
    UnitYearFiled rows of its subtree."""

    org = models.ForeignKey(
        "orgtree.Org", verbose_name="机构", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "机构年度备案统计"
        verbose_name_plural = "机构年度备案统计"
        indexes = [models.Index(fields=["org", "year"], name="orgyearfiled_org_year")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year} {self.category}"
