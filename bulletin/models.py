"""通知公告, the help centre's FAQ, and each HRSS office's 联系我们.

A notice reaches the subtree of the office that publishes it: everyone whose org path starts
with ``office_path``. A public notice is also shown to visitors; the province's public notices
are the home page's."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notice(models.Model):
    class Category(models.TextChoices):
        GUIDE = "guide", "公需科目指南"
        NOTICE = "notice", "通知"
        POLICY = "policy", "政策文件"
        ANNOUNCEMENT = "announcement", "公告"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    office = models.ForeignKey(
        "orgtree.Org", verbose_name="发布机关", on_delete=models.PROTECT, related_name="+"
    )
    office_path = models.CharField("发布机关路径", max_length=255)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    title = models.CharField("标题", max_length=200)
    # Plain text: paragraphs and line breaks are kept, everything else is escaped when shown.
    body = models.TextField("正文")
    is_public = models.BooleanField("向社会公开", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField("发布时间", default=timezone.now)
    expires_at = models.DateTimeField("截止展示时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        indexes = [
            # A reader's list: the few offices above them, newest first.
            models.Index(fields=["office_path", "status", "publish_at"], name="notice_audience"),
            models.Index(fields=["is_public", "status", "publish_at"], name="notice_public"),
        ]

    def __str__(self) -> str:
        return self.title


def notice_attachment_path(instance, filename: str) -> str:
    return f"notices/{timezone.now():%Y/%m}/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(
        Notice, verbose_name="通知", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("附件（PDF）", upload_to=notice_attachment_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("文件摘要", max_length=64)

    class Meta:
        verbose_name = "通知附件"
        verbose_name_plural = "通知附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class NoticeRead(models.Model):
    """A user has opened a notice (its unread mark goes)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "通知已读"
        verbose_name_plural = "通知已读"
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="notice_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} 已读 {self.notice_id}"


class OfficeContact(models.Model):
    """联系我们 of one HRSS office, kept by that office and shown on its subtree's pages."""

    office = models.OneToOneField(
        "orgtree.Org", verbose_name="人社部门", on_delete=models.CASCADE, related_name="contact"
    )
    department = models.CharField("承办科室", max_length=100, blank=True)
    phone = models.CharField("咨询电话", max_length=50)
    address = models.CharField("办公地址", max_length=200)
    office_hours = models.CharField("办公时间", max_length=100)
    email = models.EmailField("电子信箱", blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "联系方式"
        verbose_name_plural = "联系方式"

    def __str__(self) -> str:
        return f"{self.office} 联系方式"


class FaqEntry(models.Model):
    """A question of the help centre's FAQ (searchable by its words)."""

    class Topic(models.TextChoices):
        REGISTER = "register", "注册"
        DECLARE = "declare", "学时申报"
        REVIEW = "review", "审核备案"
        CERTIFICATE = "certificate", "证书打印与验证"
        ACCOUNT = "account", "账户与密码"
        OTHER = "other", "其他"

    topic = models.CharField("主题", max_length=12, choices=Topic.choices)
    question = models.CharField("问题", max_length=200)
    answer = models.TextField("解答")
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "常见问题"
        verbose_name_plural = "常见问题"
        ordering = ["topic", "position", "id"]

    def __str__(self) -> str:
        return self.question
