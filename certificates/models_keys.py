"""The portal's signing keys (issue 19): the province root, kept by the portal, and one key per
issuing office, created when its seal is approved, rotated when the seal is replaced and
revoked with it. A retired key still verifies what it signed; a revoked one does not.

The private key is stored encrypted (``certificates/signing/kek.py``) and is never shown: not
in the Django admin, not in an export, not in a log line."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class SigningKey(models.Model):
    class Role(models.TextChoices):
        ROOT = "root", "根证书"
        OFFICE = "office", "发证机关"

    class Status(models.TextChoices):
        ACTIVE = "active", "使用中"
        RETIRED = "retired", "已轮换"
        REVOKED = "revoked", "已吊销"

    kid = models.CharField("密钥标识", max_length=16, unique=True)
    role = models.CharField("类型", max_length=8, choices=Role.choices)
    office = models.ForeignKey(
        "orgtree.Org",
        verbose_name="发证机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seal = models.ForeignKey(
        "certificates.Seal",
        verbose_name="对应印章",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    algorithm = models.CharField("算法", max_length=8, default="ES256")
    certificate = models.TextField("证书（PEM）")
    # AES-256-GCM(nonce || ciphertext) of the PKCS#8 DER key under the key-encryption key.
    private_key = models.BinaryField("私钥（加密）", editable=False)
    not_before = models.DateTimeField("生效时间")
    not_after = models.DateTimeField("失效时间")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    retired_at = models.DateTimeField("轮换时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoke_reason = models.CharField("吊销原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "签名密钥"
        verbose_name_plural = "签名密钥"
        ordering = ["role", "office_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office"],
                condition=Q(status="active", role="office"),
                name="signing_key_one_active_per_office",
            ),
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(status="active", role="root"),
                name="signing_key_one_active_root",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid}（{self.get_role_display()}，{self.get_status_display()}）"
