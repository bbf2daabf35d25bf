"""Registration of professionals under a unit, and its review by the unit's admin."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from orgtree.models import Org, Region
from orgtree.selectors import scope_q
from portal.services import audit_record

from ..ids import birth_date_of, gender_of, normalize_id_number
from ..models import Person, User
from ..phones import normalize_mobile
from .certificate_numbers import cert_no_allocate

REAPPLY_STATUSES = {Person.Status.REJECTED, Person.Status.WITHDRAWN}


def _unit_for_registration(*, unit_id: int, region_code: str) -> Org:
    unit = Org.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None or unit.kind != Org.Kind.UNIT or unit.status != Org.Status.APPROVED:
        raise ValidationError({"unit": "请选择已通过审核的用人单位。"})
    if unit.region_id != region_code:
        raise ValidationError({"unit": "所选单位不属于所选地区，请重新选择。"})
    return unit


@transaction.atomic
def person_register(
    *,
    id_number: str,
    name: str,
    phone: str,
    title_level: str,
    region_code: str,
    unit_id: int,
    password: str,
    legacy_cert_no: str = "",
) -> Person:
    """A professional applies to join a unit; the account stays inactive until approved."""
    try:
        number = normalize_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请输入姓名。"})
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    if not Region.objects.filter(pk=region_code).exists():
        raise ValidationError({"region": "请选择所在地区。"})
    unit = _unit_for_registration(unit_id=unit_id, region_code=region_code)

    user = User.objects.select_for_update().filter(id_number=number).first()
    person = Person.objects.filter(user=user).first() if user else None
    if user is not None and (person is None or person.status not in REAPPLY_STATUSES):
        raise ValidationError(
            {"id_number": "该身份证号已注册，请直接登录；忘记密码请联系单位管理员。"}
        )
    if user is None:
        if User.objects.filter(username=number).exists():
            raise ValidationError({"id_number": "该身份证号已注册，请直接登录。"})
        user = User(username=number, id_number=number)
    user.name = name
    user.phone = phone
    user.is_active = False
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same ID registered concurrently
        raise ValidationError({"id_number": "该身份证号已注册，请直接登录。"}) from None

    person = person or Person(user=user)
    person.unit = unit
    person.org_path = unit.path
    person.region_id = region_code
    person.title_level = title_level
    person.gender = gender_of(number)
    person.birth_date = birth_date_of(number)
    person.legacy_cert_no = legacy_cert_no.strip()
    person.status = Person.Status.PENDING
    person.reject_reason = ""
    person.decided_at = None
    person.decided_by = None
    person.full_clean(exclude=["user", "cert_no"])
    person.save()
    audit_record(
        actor=user,
        action="person.register",
        target=f"person:{person.pk}",
        org_path=person.org_path,
        detail={"unit": unit.pk},
    )
    return person


def _person_in_scope(*, actor, person_id: int) -> Person:
    person = (
        Person.objects.filter(scope_q(actor, "org_path"), pk=person_id)
        .select_related("user", "unit__region")
        .first()
    )
    if person is None:
        raise Http404("人员不存在")
    return person


def _decide(*, actor, person: Person, status: str, reason: str = "", **extra) -> None:
    updated = Person.objects.filter(pk=person.pk, status=Person.Status.PENDING).update(
        status=status, reject_reason=reason, decided_at=timezone.now(), decided_by=actor, **extra
    )
    if not updated:
        current = Person.objects.get(pk=person.pk).get_status_display()
        raise ValidationError(
            "该注册申请已被处理（%(status)s），无需重复审核。", params={"status": current}
        )


@transaction.atomic
def person_approve(*, actor, person_id: int) -> Person:
    person = _person_in_scope(actor=actor, person_id=person_id)
    # Lock the row so that a concurrent decision waits, then sees the new status.
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.status != Person.Status.PENDING:
        raise ValidationError(
            "该注册申请已被处理（%(status)s），无需重复审核。",
            params={"status": locked.get_status_display()},
        )
    # One person, one number for life: a re-approved person keeps the number they had.
    cert_no = person.cert_no or cert_no_allocate(region_code=person.unit.region_id)
    _decide(actor=actor, person=person, status=Person.Status.APPROVED, cert_no=cert_no)
    User.objects.filter(pk=person.user_id).update(is_active=True)
    person.refresh_from_db()
    audit_record(
        actor=actor,
        action="person.approve",
        target=f"person:{person.pk}",
        org_path=person.org_path,
        detail={"cert_no": cert_no},
    )
    return person


@transaction.atomic
def person_reject(*, actor, person_id: int, reason: str) -> Person:
    if not reason.strip():
        raise ValidationError({"reason": "请填写不通过的原因。"})
    person = _person_in_scope(actor=actor, person_id=person_id)
    _decide(actor=actor, person=person, status=Person.Status.REJECTED, reason=reason.strip())
    person.refresh_from_db()
    audit_record(
        actor=actor,
        action="person.reject",
        target=f"person:{person.pk}",
        org_path=person.org_path,
        detail={"reason": reason.strip()},
    )
    return person


@transaction.atomic
def person_withdraw(*, applicant, person_id: int) -> Person:
    """The applicant takes back a registration still pending (e.g. a wrong unit chosen)."""
    person = Person.objects.filter(pk=person_id, user=applicant).first()
    if person is None:
        raise Http404("人员不存在")
    updated = Person.objects.filter(pk=person.pk, status=Person.Status.PENDING).update(
        status=Person.Status.WITHDRAWN, decided_at=timezone.now()
    )
    if not updated:
        raise ValidationError("该注册申请已审核，不能撤回。")
    person.refresh_from_db()
    audit_record(
        actor=None,
        action="person.withdraw",
        target=f"person:{person.pk}",
        org_path=person.org_path,
        detail={"applicant": applicant.username},
    )
    return person
