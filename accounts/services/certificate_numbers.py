"""证书管理号: 13 digits, allocated once per person at registration approval, never reused."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import CertificateCounter, Person

SERIAL_DIGITS = 7


def cert_prefix(region_code: str) -> str:
    """``41`` + city (``00`` for 省直) + county (``00`` for 市直): the unit's region code itself."""
    if len(region_code) != 6 or not region_code.startswith("41") or not region_code.isdigit():
        raise ValidationError(
            "单位所在地区代码 %(code)s 不是河南省的区划代码。", params={"code": region_code}
        )
    return region_code


@transaction.atomic
def cert_no_allocate(*, region_code: str) -> str:
    """The next number for the prefix; the counter row lock makes concurrent approvals safe."""
    prefix = cert_prefix(region_code)
    CertificateCounter.objects.bulk_create(
        [CertificateCounter(prefix=prefix)], ignore_conflicts=True
    )
    counter = CertificateCounter.objects.select_for_update().get(prefix=prefix)
    while True:
        counter.last_serial += 1
        if counter.last_serial >= 10**SERIAL_DIGITS:
            raise ValidationError("地区 %(prefix)s 的证书管理号已用完。", params={"prefix": prefix})
        number = f"{prefix}{counter.last_serial:0{SERIAL_DIGITS}d}"
        # A number loaded with imported records (the counter not moved past it) is skipped,
        # never handed out twice.
        if not Person.objects.filter(cert_no=number).exists():
            break
    counter.save(update_fields=["last_serial"])
    return number
