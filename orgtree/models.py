from django.conf import settings
from django.db import models
from django.utils import timezone
from mptt.models import MPTTModel, TreeForeignKey


class Region(models.Model):
    """A GB/T 2260 region of Henan (or a functional zone with a statistical code)."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "省辖市"
        COUNTY = "county", "县（市、区）"
        ZONE = "zone", "功能区"

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT
    )
    # 省直管县（市）: a county the province administers directly; its HRSS office files and
    # issues like a 省辖市's (管理办法 第十二条、第十六条). 济源 is one too (level city).
    directly_administered = models.BooleanField("省直管县（市）", default=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.level in {self.Level.COUNTY, self.Level.ZONE} and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name


class Org(MPTTModel):
    """A node of the organisation tree: an HRSS office, a department, a unit or an institution."""

    class Kind(models.TextChoices):
        HRSS = "hrss", "人社部门"
        DEPARTMENT = "department", "主管部门"
        UNIT = "unit", "用人单位"
        INSTITUTION = "institution", "施教机构"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已撤回"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    parent = TreeForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Unique among live orgs only (see Meta): a rejected or withdrawn application frees it.
    # NULL for reference HRSS offices whose code is not recorded, so they never collide.
    credit_code = models.CharField(  # noqa: DJ001
        "统一社会信用代码", max_length=18, null=True, blank=True, default=None
    )
    region = models.ForeignKey(Region, verbose_name="所在地区", on_delete=models.PROTECT)
    industry = models.CharField("行业类别", max_length=50, blank=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.CharField("未通过原因", max_length=300, blank=True)
    # Materialised path of ids from the root, e.g. "/1/7/42/": scoping is a prefix match on it.
    path = models.CharField("路径", max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class MPTTMeta:
        order_insertion_by = ["name"]

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        permissions = [("manage_org", "管理本机构及下级")]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="org_credit_code_unique_live",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="org_status_created"),
            models.Index(fields=["kind", "region", "status"], name="org_kind_region_status"),
            # The filter bars' org lists: a scope's units or departments by name.
            models.Index(fields=["kind", "status", "name"], name="org_kind_status_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_department(self) -> bool:
        """A unit directly under an HRSS office has no department (无主管部门)."""
        return self.parent is not None and self.parent.kind == self.Kind.DEPARTMENT


class OrgAdmin(models.Model):
    """An administrator of an org, with the 管理员信息备案表 filing information."""

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    org = models.ForeignKey(
        Org, verbose_name="机构", on_delete=models.CASCADE, related_name="admins"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账户",
        on_delete=models.CASCADE,
        related_name="org_admin_roles",
    )
    name = models.CharField("管理员姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    department = models.CharField("工作部门", max_length=100)
    post = models.CharField("职务", max_length=50)
    phone = models.CharField("联系电话", max_length=20)
    fax = models.CharField("传真", max_length=20, blank=True)
    email = models.EmailField("电子信箱", blank=True)
    postcode = models.CharField("邮编", max_length=6, blank=True)
    address = models.CharField("邮寄地址", max_length=200, blank=True)
    active = models.BooleanField("在任", default=True)
    created_at = models.DateTimeField("备案时间", default=timezone.now)
    ended_at = models.DateTimeField("离任时间", null=True, blank=True)

    class Meta:
        verbose_name = "机构管理员"
        verbose_name_plural = "机构管理员"
        constraints = [
            models.UniqueConstraint(
                fields=["org", "user"],
                condition=models.Q(active=True),
                name="orgadmin_one_active_role_per_user_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org.name} · {self.name}"


from .models_calendar import Deadline, DeadlineException, DeadlineKind  # noqa: E402, F401
