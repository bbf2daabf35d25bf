"""Annual requirement rows (REQUIREMENTS.md)."""

from django.conf import settings
from django.db import models

from .common import HOURS


class Requirement(models.Model):
    """An annual requirement row (REQUIREMENTS.md): the most specific row wins per field.

    A NULL minimum inherits from the broader row; a NULL region is the whole province; an empty
    title group is every title level.
    """

    class TitleGroup(models.TextChoices):
        ALL = "", "全部职称级别"
        JUNIOR = "junior", "初级"
        INTERMEDIATE = "intermediate", "中级"
        SENIOR = "senior", "高级（副高级、正高级）"

    year_from = models.PositiveSmallIntegerField("起始年度")
    year_to = models.PositiveSmallIntegerField("截止年度", null=True, blank=True)
    region = models.ForeignKey(
        "orgtree.Region",
        verbose_name="适用地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="留空表示全省。",
    )
    title_group = models.CharField(
        "职称级别", max_length=12, choices=TitleGroup.choices, blank=True, default=""
    )
    total_min = models.DecimalField("总学时不少于", null=True, blank=True, **HOURS)
    public_min = models.DecimalField("公需科目不少于", null=True, blank=True, **HOURS)
    professional_min = models.DecimalField("专业科目不少于", null=True, blank=True, **HOURS)
    source = models.CharField("依据", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "年度学时要求"
        verbose_name_plural = "年度学时要求"
        ordering = ["year_from", "region_id", "title_group"]

    def __str__(self) -> str:
        years = f"{self.year_from}-{self.year_to or ''}"
        return f"{years} {self.region or '全省'} {self.get_title_group_display()}"
