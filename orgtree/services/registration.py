"""Top-down registration of departments, units and institutions, and its review."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from portal.ids import is_valid_id_number
from portal.lifecycle import (
    REGISTRATION_DECIDED,
    REGISTRATION_NOT_WITHDRAWABLE,
    Lifecycle,
    reason_required,
)
from portal.services import audit_record, notifications_send

from ..calendar import deadline_check
from ..codes import normalize_credit_code
from ..contacts import filing_contacts_normalize
from ..models import DeadlineKind, Org, OrgAdmin
from ..roles import MANAGE_PERMISSION, roles_forget
from ..selectors import admin_user_ids, org_in_scope
from .tree import org_insert

# Which kinds of org may register under which kinds of parent.
ALLOWED_PARENTS = {
    Org.Kind.DEPARTMENT: {Org.Kind.HRSS, Org.Kind.DEPARTMENT},
    Org.Kind.UNIT: {Org.Kind.HRSS, Org.Kind.DEPARTMENT},
    Org.Kind.INSTITUTION: {Org.Kind.HRSS},
}
FILING_FIELDS = (
    "name",
    "gender",
    "department",
    "post",
    "phone",
    "fax",
    "email",
    "postcode",
    "address",
)


def credit_code_check_free(code: str) -> None:
    live = [Org.Status.PENDING, Org.Status.APPROVED]
    if Org.objects.filter(credit_code=code, status__in=live).exists():
        raise ValidationError(
            {"credit_code": "该统一社会信用代码已注册（或正在审核），请勿重复注册。"}
        )


def admin_user_create(*, username: str, password: str, filing: dict[str, Any], active: bool):
    """Creates the login account of an org admin (validated like any password)."""
    user_model = get_user_model()
    if is_valid_id_number(username):
        # A professional's user name is their ID number: "already in use" would tell anyone
        # whether that person is registered (and login reads an ID number as one anyway).
        raise ValidationError(
            {"username": "登录用户名不能使用身份证号（专业技术人员用身份证号登录），请换一个。"}
        )
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用，请换一个。"})
    user = user_model(
        username=username,
        name=filing["name"],
        phone=filing.get("phone", ""),
        email=filing.get("email", ""),
        is_active=active,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password", "id_number"])
    user.save()
    return user


@transaction.atomic
def org_register(
    *,
    kind: str,
    parent: Org,
    name: str,
    credit_code: str,
    industry: str = "",
    address: str = "",
    username: str,
    password: str,
    filing: dict[str, Any],
) -> Org:
    """An org applies to join under ``parent`` with its first admin; it waits for review."""
    if kind not in ALLOWED_PARENTS:
        raise ValidationError({"kind": "只能注册主管部门、用人单位或施教机构。"})
    parent = Org.objects.select_related("region").get(pk=parent.pk)
    if parent.status != Org.Status.APPROVED:
        raise ValidationError({"parent": "上级机构尚未通过审核，暂不能在其下注册。"})
    if parent.kind not in ALLOWED_PARENTS[kind]:
        raise ValidationError(
            {"parent": f"{Org.Kind(kind).label}不能注册在{parent.get_kind_display()}下。"}
        )
    # The new org's region is its parent's; an exception for the parent lets its
    # registrations through.
    deadline_check(
        DeadlineKind.ORG_REGISTRATION,
        timezone.localdate().year,
        region_code=parent.region_id,
        org_ids=[parent.pk],
    )
    try:
        code = normalize_credit_code(credit_code)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages}) from None
    credit_code_check_free(code)
    filing = filing_contacts_normalize(filing)
    org = Org(
        kind=kind,
        name=name.strip(),
        credit_code=code,
        region=parent.region,
        industry=industry,
        address=address,
        status=Org.Status.PENDING,
    )
    org.full_clean(exclude=["parent", "path", "lft", "rght", "tree_id", "level"])
    user = admin_user_create(username=username, password=password, filing=filing, active=False)
    try:
        with transaction.atomic():
            org_insert(org=org, parent=parent)
    except IntegrityError:  # a concurrent registration took the code between check and insert
        raise ValidationError(
            {"credit_code": "该统一社会信用代码已注册（或正在审核），请勿重复注册。"}
        ) from None
    admin = OrgAdmin(org=org, user=user, **{f: filing.get(f, "") for f in FILING_FIELDS})
    admin.full_clean()
    admin.save()
    audit_record(
        actor=user,
        action="org.register",
        target=f"org:{org.pk}",
        org_path=org.path,
        detail={"name": org.name, "kind": kind, "parent": parent.pk},
    )
    _tell(
        admin_user_ids([parent.pk])[parent.pk],
        "有新的机构注册申请待审核",
        f"“{org.name}”（{org.get_kind_display()}）申请注册到“{parent.name}”下，请及时审核。",
        reverse("orgtree:registrations"),
    )
    return org


def _decidable(*, actor, org_id: int) -> Org:
    """The pending registration an admin may decide: under their scope, not their own org."""
    org = Org.objects.select_related("parent").filter(pk=org_id).first()
    if org is None or not org_in_scope(actor, org) or org.parent is None:
        raise Http404("机构不存在")
    if org.admins.filter(user=actor).exists():
        raise Http404("机构不存在")
    return org


ORG = Lifecycle(
    name="org",
    audit_target=lambda org: f"org:{org.pk}",
    audit_path=lambda org: org.path,
    refused=REGISTRATION_DECIDED,
    missing="机构不存在",
)


@transaction.atomic
def org_approve(*, actor, org_id: int) -> Org:
    org = _decidable(actor=actor, org_id=org_id)
    values = {"reject_reason": "", "decided_by": actor}
    org = ORG.decided(
        Org, org.pk, target=Org.Status.APPROVED, verb="approve", actor=actor, values=values
    )
    for admin in org.admins.filter(active=True).select_related("user"):
        admin.user.is_active = True
        admin.user.save(update_fields=["is_active"])
        assign_perm(MANAGE_PERMISSION, admin.user, org)
        roles_forget(admin.user)
    _tell(
        admin_user_ids([org.pk])[org.pk],
        "机构注册申请已通过",
        f"“{org.name}”的注册申请已审核通过，现在可以审核本机构人员的注册和学时申报了。",
        reverse("home"),
    )
    return org


@transaction.atomic
def org_reject(*, actor, org_id: int, reason: str) -> Org:
    reason = reason_required(reason, "请填写不通过的原因。")
    org = _decidable(actor=actor, org_id=org_id)
    org = ORG.rejected(Org, org.pk, actor=actor, reason=reason)
    _tell(
        admin_user_ids([org.pk])[org.pk],
        "机构注册申请未通过",
        f"“{org.name}”的注册申请未通过审核，原因：{reason}。请核对后重新申请，或联系上级机构。",
        "",
    )
    return org


def _tell(user_ids: list[int], title: str, body: str, link: str) -> None:
    notifications_send(
        messages=[{"user_id": pk, "title": title, "body": body, "link": link} for pk in user_ids]
    )


@transaction.atomic
def org_withdraw(*, applicant, org_id: int) -> Org:
    """The applicant (the org's first admin) withdraws a registration still pending."""
    applied = Org.objects.filter(admins__user=applicant)
    detail = {"applicant": applicant.username}
    return ORG.withdrawn(applied, org_id, refused=REGISTRATION_NOT_WITHDRAWABLE, detail=detail)
