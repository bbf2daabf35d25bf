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
    """The next number for the prefix (one approval)."""
    return cert_nos_allocate(region_code=region_code, count=1)[0]


@transaction.atomic
def cert_nos_allocate(*, region_code: str, count: int) -> list[str]:
    """The next ``count`` numbers for the prefix, in order. The counter row lock makes
    concurrent approvals and imports safe: whoever holds it hands out the next serials."""
    prefix = cert_prefix(region_code)
    if count < 1:
        return []
    CertificateCounter.objects.bulk_create(
        [CertificateCounter(prefix=prefix)], ignore_conflicts=True
    )
    counter = CertificateCounter.objects.select_for_update().get(prefix=prefix)
    numbers: list[str] = []
    serial = counter.last_serial
    while len(numbers) < count:
        first, last = serial + 1, serial + count - len(numbers)
        if last >= 10**SERIAL_DIGITS:
            raise ValidationError("地区 %(prefix)s 的证书管理号已用完。", params={"prefix": prefix})
        candidates = [f"{prefix}{n:0{SERIAL_DIGITS}d}" for n in range(first, last + 1)]
        # A number loaded with imported records (the counter not moved past it) is skipped,
        # never handed out twice. Numbers are fixed-width digits, so the serial range is a
        # string range: one query for the whole run, whatever its length.
        held = set(
            Person.objects.filter(cert_no__range=(candidates[0], candidates[-1])).values_list(
                "cert_no", flat=True
            )
        )
        numbers.extend(number for number in candidates if number not in held)
        serial = last
    counter.last_serial = serial
    counter.save(update_fields=["last_serial"])
    return numbers
