"""Registration of professionals under a unit, and its review by the unit's admin."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from orgtree.calendar import deadline_check
from orgtree.models import DeadlineKind, Org, Region
from orgtree.selectors import admin_user_ids
from portal.ids import birth_date_of, gender_of, mask_id_number, normalize_id_number
from portal.lifecycle import (
    REGISTRATION_DECIDED,
    REGISTRATION_NOT_WITHDRAWABLE,
    Lifecycle,
    locked,
    reason_required,
)
from portal.services import audit_record, notifications_send

from ..models import Person, User
from ..phones import normalize_mobile
from ..selectors import persons_visible_to
from .certificate_numbers import cert_no_allocate

REAPPLY_STATUSES = {Person.Status.REJECTED, Person.Status.WITHDRAWN}


def _unit_for_registration(*, unit_id: int, region_code: str) -> Org:
    unit = Org.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None or unit.kind != Org.Kind.UNIT or unit.status != Org.Status.APPROVED:
        raise ValidationError({"unit": "请选择已通过审核的用人单位。"})
    # A city's search also offers its counties' units when the city itself has none.
    if region_code not in (unit.region_id, unit.region.parent_id):
        raise ValidationError({"unit": "所选单位不属于所选地区，请重新选择。"})
    return unit


@dataclass(frozen=True)
class Registration:
    """What ``person_register`` did. ``summary`` is all the applicant may be shown: what they
    submitted, normalised (name, masked ID number, the gender and birth date it implies, title
    level, unit name), the same whether or not the ID number had an account before. ``person``
    is the pending registration, or None when nothing was created."""

    person: Person | None
    summary: dict[str, str]


def _register_refused(*, number: str, unit: Org, ip: str, owner=None, earlier=None) -> None:
    """Someone applied with an ID number whose account may not apply again: nothing changes,
    and only the account's owner hears of it, where they log in."""
    masked = mask_id_number(number)
    audit_record(
        actor=None,
        action="person.register_duplicate",
        target=f"person:{earlier.pk}" if earlier else (f"user:{owner.pk}" if owner else ""),
        org_path=earlier.org_path if earlier else "",
        detail={"id_number": masked, "unit": unit.pk},
        ip=ip,
    )
    if owner is not None:
        notifications_send(
            messages=[
                {
                    "user_id": owner.pk,
                    "title": "有人用您的身份证号提交了注册申请",
                    "body": (
                        f"有人在注册页用您的身份证号（{masked}）提交了注册申请，所选单位为"
                        f"“{unit.name}”。该申请未被受理，您的账户和档案没有任何变化。如果不是"
                        "您本人提交的，无需处理；如果您忘记了密码，请联系所在单位管理员。"
                    ),
                    "link": "",
                }
            ]
        )


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
    ip: str = "",
) -> Registration:
    """A professional applies to join a unit; the account stays inactive until approved.

    The answer never tells whether the ID number already had an account, or anyone could learn
    who is registered: everything is validated and the password hashed either way, but for a
    number whose account may not apply again (anything but a rejected or withdrawn
    registration) nothing is created or changed, the account's owner gets an in-portal message
    and an audit row keeps the attempt.
    """
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
    # Refused alike for every ID number (the answer must not tell who is registered); an
    # exception for the unit lets its registrations through.
    deadline_check(
        DeadlineKind.PERSON_REGISTRATION,
        timezone.localdate().year,
        region_code=unit.region_id,
        org_ids=[unit.pk],
    )

    existing = User.objects.select_for_update().filter(id_number=number).first()
    earlier = Person.objects.filter(user=existing).first() if existing else None
    if existing is None:
        owner = User.objects.filter(username=number).first()
    elif earlier is None or earlier.status not in REAPPLY_STATUSES:
        owner = existing
    else:
        owner = None
    # For a refused number the checks and the slow hash run on copies that are never saved:
    # the same errors, and the same time spent, as for a new registration.
    if owner is None and existing is not None:
        user = existing
    else:
        user = User(username=number, id_number=number)
    user.name = name
    user.phone = phone
    user.is_active = False
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    # Uniqueness was settled above, under the row lock, and the database enforces it on save;
    # checking it here would fail the copy of a refused number with "already exists".
    user.full_clean(exclude=["password"], validate_unique=False)

    person = earlier if owner is None and earlier is not None else Person(user=user)
    person.unit = unit
    person.org_path = unit.path
    person.region_id = unit.region_id
    person.title_level = title_level
    person.gender = gender_of(number)
    person.birth_date = birth_date_of(number)
    person.legacy_cert_no = legacy_cert_no.strip()
    person.status = Person.Status.PENDING
    person.reject_reason = ""
    person.decided_at = None
    person.decided_by = None
    person.full_clean(exclude=["user", "cert_no"])
    summary = {
        "name": name,
        "id_masked": mask_id_number(number),
        "gender": str(person.get_gender_display()),
        "birth_date": person.birth_date.isoformat(),
        "title_level": str(person.get_title_level_display()),
        "unit": unit.name,
    }

    if owner is not None:
        _register_refused(number=number, unit=unit, ip=ip, owner=owner, earlier=earlier)
        return Registration(person=None, summary=summary)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same number registered concurrently: just as silent
        owner = User.objects.filter(Q(id_number=number) | Q(username=number)).first()
        _register_refused(number=number, unit=unit, ip=ip, owner=owner)
        return Registration(person=None, summary=summary)
    person.save()
    audit_record(
        actor=user,
        action="person.register",
        target=f"person:{person.pk}",
        org_path=person.org_path,
        detail={"unit": unit.pk},
        ip=ip,
    )
    link = reverse("accounts:registrations")
    notifications_send(
        messages=[
            {
                "user_id": admin,
                "title": "有新的人员注册申请待审核",
                "body": f"{name}（{mask_id_number(number)}）申请注册到“{unit.name}”，请及时审核。",
                "link": link,
            }
            for admin in admin_user_ids([unit.pk])[unit.pk]
        ]
    )
    return Registration(person=person, summary=summary)


PERSON = Lifecycle(
    name="person",
    audit_target=lambda person: f"person:{person.pk}",
    audit_path=lambda person: person.org_path,
    refused=REGISTRATION_DECIDED,
    missing="人员不存在",
)


@transaction.atomic
def person_approve(*, actor, person_id: int) -> Person:
    # Locked before a number is allocated: a concurrent decision waits, then sees the status.
    person = locked(
        persons_visible_to(actor).select_related("unit"),
        person_id,
        refused=REGISTRATION_DECIDED,
        missing=Http404(PERSON.missing),
    )
    # One person, one number for life: a re-approved person keeps the number they had.
    cert_no = person.cert_no or cert_no_allocate(region_code=person.unit.region_id)
    User.objects.filter(pk=person.user_id).update(is_active=True)
    person = PERSON.decided(
        Person,
        person.pk,
        target=Person.Status.APPROVED,
        verb="approve",
        actor=actor,
        values={"reject_reason": "", "decided_by": actor, "cert_no": cert_no},
        detail={"cert_no": cert_no},
    )
    _tell(
        person,
        "您的注册申请已通过",
        f"您注册到“{person.unit.name}”的申请已审核通过，您的证书管理号为 {cert_no}。"
        "现在可以申报继续教育学时了。",
        reverse("home"),
    )
    return person


@transaction.atomic
def person_reject(*, actor, person_id: int, reason: str) -> Person:
    reason = reason_required(reason, "请填写不通过的原因。")
    person = PERSON.rejected(persons_visible_to(actor), person_id, actor=actor, reason=reason)
    _tell(
        person,
        "您的注册申请未通过",
        f"您注册到“{person.unit.name}”的申请未通过审核，原因：{reason}。"
        "请核对信息后重新提交注册申请，或联系单位管理员。",
        reverse("accounts:register"),
    )
    return person


def _tell(person: Person, title: str, body: str, link: str) -> None:
    """The decision, in the applicant's messages (read once they can log in)."""
    notifications_send(
        messages=[{"user_id": person.user_id, "title": title, "body": body, "link": link}]
    )


@transaction.atomic
def person_withdraw(*, applicant, person_id: int) -> Person:
    """The applicant takes back a registration still pending (e.g. a wrong unit chosen)."""
    mine = Person.objects.filter(user=applicant)
    detail = {"applicant": applicant.username}
    return PERSON.withdrawn(mine, person_id, refused=REGISTRATION_NOT_WITHDRAWABLE, detail=detail)
