"""待办提醒: who reminded whom from an action list (issue 15). The messages themselves are
portal Notifications; this row keeps the sender, the list and its filter, and how many
messages went out (a background send adds to it chunk by chunk)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Reminder(models.Model):
    class ListKind(models.TextChoices):
        INCOMPLETE = "incomplete", "年度未合格人员"
        TWO_YEARS = "two_years", "连续两年未合格人员"
        WAITING = "waiting", "超期未审核事项"
        UNITS = "units", "待督促单位"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提醒人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    list_kind = models.CharField("待办清单", max_length=12, choices=ListKind.choices)
    # The list's filter and the rows chosen (or "all matching"), as the sender saw them.
    params = models.JSONField("筛选条件", default=dict, blank=True)
    targets = models.PositiveIntegerField("提醒对象数", default=0)
    recipients = models.PositiveIntegerField("已发送消息数", default=0)
    job = models.ForeignKey(
        "portal.Job",
        verbose_name="后台任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org_path = models.CharField("机构路径", max_length=255, db_index=True)
    created_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = "待办提醒"
        verbose_name_plural = "待办提醒"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
