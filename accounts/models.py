import uuid
from pathlib import Path

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Everyone who logs in: professionals and administrators alike.

    The Chinese name is one field (``name``); ``first_name``/``last_name`` of AbstractUser stay
    unused. ``id_number`` lets a professional log in with their resident ID number.
    """

    name = models.CharField("姓名", max_length=50, blank=True)
    id_number = models.CharField(
        "身份证号", max_length=18, unique=True, null=True, blank=True, default=None
    )
    phone = models.CharField("手机号码", max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = "用户"
        verbose_name_plural = "用户"
        indexes = [
            # The admins' query by name: equality and prefix (LIKE '张%') on PostgreSQL, where
            # a plain index under a non-C collation cannot serve LIKE.
            models.Index(
                fields=["name"], name="user_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_username()

    def clean(self) -> None:
        super().clean()
        if self.id_number:
            from portal.ids import normalize_id_number

            self.id_number = normalize_id_number(self.id_number)
        else:
            self.id_number = None


class Person(models.Model):
    """A professional (专业技术人员) registered under a unit.

    The login account (User) carries name, ID number and phone; this row carries what the
    continuing-education record needs. ``org_path`` is the unit's path, for scoping.
    """

    class TitleLevel(models.TextChoices):
        JUNIOR = "junior", "初级"
        INTERMEDIATE = "intermediate", "中级"
        ASSOCIATE_SENIOR = "associate_senior", "副高级"
        SENIOR = "senior", "正高级"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已撤回"

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    user = models.OneToOneField(
        User, verbose_name="账户", on_delete=models.PROTECT, related_name="person"
    )
    unit = models.ForeignKey(
        "orgtree.Org", verbose_name="所在单位", on_delete=models.PROTECT, related_name="persons"
    )
    org_path = models.CharField("单位路径", max_length=255, db_index=True)
    region = models.ForeignKey(
        "orgtree.Region", verbose_name="所在地区", on_delete=models.PROTECT, related_name="+"
    )
    title_level = models.CharField("职称级别", max_length=20, choices=TitleLevel.choices)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    cert_no = models.CharField(
        "证书管理号", max_length=13, unique=True, null=True, blank=True, default=None
    )
    legacy_cert_no = models.CharField("原制式证书管理号", max_length=40, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.CharField("未通过原因", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "专业技术人员"
        verbose_name_plural = "专业技术人员"
        indexes = [
            models.Index(fields=["status", "org_path"], name="person_status_path"),
            # The registration queue: pending rows in applied order (keyset-friendly).
            models.Index(fields=["status", "created_at", "id"], name="person_status_created"),
            # 注册进度's people approved since a date.
            models.Index(fields=["status", "decided_at"], name="person_status_decided"),
            models.Index(fields=["unit", "status"], name="person_unit_status"),
            # The admins' query by a paper-era certificate number.
            models.Index(fields=["legacy_cert_no"], name="person_legacy_cert_no"),
        ]

    def __str__(self) -> str:
        return self.user.display_name


class CertificateCounter(models.Model):
    """The last serial handed out for one 6-digit prefix of 证书管理号 (NUMBERS.md)."""

    prefix = models.CharField("前缀", max_length=6, primary_key=True)
    last_serial = models.PositiveIntegerField("最后序号", default=0)

    class Meta:
        verbose_name = "证书管理号计数器"
        verbose_name_plural = "证书管理号计数器"

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last_serial}"


class PersonTransfer(models.Model):
    """A move (调动) of a person to another unit, approved by the receiving unit."""

    class Status(models.TextChoices):
        PENDING = "pending", "待接收"
        APPROVED = "approved", "已接收"
        REJECTED = "rejected", "未接收"
        WITHDRAWN = "withdrawn", "已撤回"

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.CASCADE, related_name="transfers"
    )
    from_unit = models.ForeignKey(
        "orgtree.Org", verbose_name="原单位", on_delete=models.PROTECT, related_name="+"
    )
    from_path = models.CharField("原单位路径", max_length=255, db_index=True)
    to_unit = models.ForeignKey(
        "orgtree.Org", verbose_name="调入单位", on_delete=models.PROTECT, related_name="+"
    )
    to_path = models.CharField("调入单位路径", max_length=255, db_index=True)
    reason = models.CharField("调动说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.CharField("不接收原因", max_length=300, blank=True)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "人员调动"
        verbose_name_plural = "人员调动"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="transfer_one_pending_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.from_unit} → {self.to_unit}"


class LoginThrottle(models.Model):
    """Password checks granted to one account (or one client address) in the current window.

    Kept in the database, not the cache: the lockout must hold while Redis is down, and a row
    lock makes the count exact under a burst. A check is reserved (``attempts`` + 1) before the
    password is checked, so concurrent attempts can never exceed the limit; a successful check
    gives its reservation back.
    """

    key = models.CharField("对象", max_length=80, primary_key=True)
    attempts = models.PositiveIntegerField("本时段失败及进行中的次数", default=0)
    window_started_at = models.DateTimeField("时段开始")
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录限制"
        verbose_name_plural = "登录限制"

    def __str__(self) -> str:
        return self.key


class PasswordResetCode(models.Model):
    """A one-time code that lets its account set a new password (忘记密码).

    Handed over by an admin above the account, or sent by SMS to the phone on file. Only its
    keyed digest is stored. It works once, until ``expires_at``, and only while it is the
    account's newest code and the password is the one it was issued against
    (``password_digest``): a newer code or any password change voids it.
    """

    class Channel(models.TextChoices):
        ADMIN = "admin", "管理员发放"
        SMS = "sms", "短信验证码"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_reset_codes", verbose_name="账户"
    )
    channel = models.CharField("方式", max_length=10, choices=Channel.choices)
    code_digest = models.CharField("重置码摘要", max_length=64)
    password_digest = models.CharField("签发时密码摘要", max_length=64)
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("有效期至")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    failures = models.PositiveSmallIntegerField("错误次数", default=0)

    class Meta:
        verbose_name = "密码重置码"
        verbose_name_plural = "密码重置码"
        indexes = [models.Index(fields=["user", "-created_at"], name="reset_code_newest")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_channel_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ProfileRequest(models.Model):
    """What a person asks their unit to change on their record: common fields of the title
    change and the name / ID correction below (both approved by the unit, both audited)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待单位审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已撤回"

    # The unit's path when asked: the unit's admins (and those above) decide, through scoping.
    org_path = models.CharField("单位路径", max_length=255)
    reason = models.CharField("说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.CharField("未通过原因", max_length=300, blank=True)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


def profile_evidence_path(instance, filename: str) -> str:
    # Never the uploaded name: it may carry the person's name or ID number.
    return f"profile/{instance._meta.model_name}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class TitleChange(ProfileRequest):
    """A change of title level (职称变更) from an effective year on, approved by the unit.

    The approved rows are the person's title history: the level in force in a year before
    the first change's ``effective_year`` is that change's ``previous_level``
    (``accounts.selectors.title_level_in``); ``Person.title_level`` is today's.
    """

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.CASCADE, related_name="title_changes"
    )
    previous_level = models.CharField(
        "原职称级别", max_length=20, choices=Person.TitleLevel.choices
    )
    title_level = models.CharField("新职称级别", max_length=20, choices=Person.TitleLevel.choices)
    effective_year = models.PositiveSmallIntegerField("生效年度")
    evidence = models.FileField("证明材料", upload_to=profile_evidence_path, blank=True)

    class Meta:
        verbose_name = "职称变更"
        verbose_name_plural = "职称变更"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="title_change_one_pending_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["status", "org_path"], name="title_change_status_path"),
            models.Index(fields=["person", "status", "effective_year"], name="title_change_hist"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.effective_year} {self.get_title_level_display()}"


class IdentityCorrection(ProfileRequest):
    """A correction of the name or ID number (姓名、身份证号更正), approved by the unit."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.CASCADE, related_name="identity_corrections"
    )
    old_name = models.CharField("原姓名", max_length=50)
    name = models.CharField("更正后姓名", max_length=50)
    old_id_number = models.CharField("原身份证号", max_length=18, blank=True)
    id_number = models.CharField("更正后身份证号", max_length=18)
    evidence = models.FileField("证明材料", upload_to=profile_evidence_path, blank=True)

    class Meta:
        verbose_name = "身份信息更正"
        verbose_name_plural = "身份信息更正"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="identity_correction_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["status", "org_path"], name="identity_fix_status_path"),
        ]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.name}"


class PhoneChangeCode(models.Model):
    """An SMS code sent to a new phone number; the number changes once the code comes back.

    Like ``PasswordResetCode``: only a keyed digest is stored, the newest code alone counts,
    it expires, and a few wrong tries void it.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="phone_change_codes", verbose_name="账户"
    )
    phone = models.CharField("新手机号码", max_length=20)
    code_digest = models.CharField("验证码摘要", max_length=64)
    created_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("有效期至")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    failures = models.PositiveSmallIntegerField("错误次数", default=0)

    class Meta:
        verbose_name = "手机号变更验证码"
        verbose_name_plural = "手机号变更验证码"
        indexes = [models.Index(fields=["user", "-created_at"], name="phone_code_newest")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
