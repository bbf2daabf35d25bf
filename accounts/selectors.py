from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q

from orgtree.models import Org, OrgAdmin
from orgtree.selectors import scope_q
from portal.ids import normalize_id_number

from .models import IdentityCorrection, Person, PersonTransfer, PhoneChangeCode, TitleChange


def user_lookup_for_identifier(identifier: str) -> dict[str, str]:
    """The field lookup a login identifier means: an ID number if it is one, else a username."""
    text = str(identifier).strip()
    try:
        return {"id_number": normalize_id_number(text)}
    except ValidationError:
        return {"username": text}


def user_for_identifier(identifier: str):
    """The account a login identifier names (username or ID number), or None."""
    return (
        get_user_model()
        ._default_manager.filter(**user_lookup_for_identifier(identifier))
        .only("pk", "username", "id_number")
        .first()
    )


# --- Professionals and their scope ---------------------------------------------------------------


def person_of(user):
    """The user's approved Person, or None; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user._approved_person
    except AttributeError:
        pass
    if not user.id_number:  # an admin's account: a professional registers with their ID number
        user._approved_person = None
        return None
    person = (
        Person.objects.filter(user=user, status=Person.Status.APPROVED)
        .select_related("unit", "region__parent")
        .first()
    )
    user._approved_person = person
    return person


def has_approved_person(user) -> bool:
    return person_of(user) is not None


def persons_visible_to(user):
    """People whose unit lies in the user's scope (any status)."""
    return Person.objects.filter(scope_q(user, "org_path"))


def person_counts(org: Org, children: list[Org]) -> dict[int, tuple[int, int]]:
    """(approved, pending) people in the subtree of ``org`` and of each child, in one query."""
    nodes = [org, *children]
    approved, pending = Person.Status.APPROVED, Person.Status.PENDING
    aggregates = {}
    for node in nodes:
        under = Q(org_path__startswith=node.path)
        aggregates[f"a{node.pk}"] = Count("pk", filter=under & Q(status=approved))
        aggregates[f"p{node.pk}"] = Count("pk", filter=under & Q(status=pending))
    totals = Person.objects.filter(
        org_path__startswith=org.path, status__in=[approved, pending]
    ).aggregate(**aggregates)
    return {node.pk: (totals[f"a{node.pk}"], totals[f"p{node.pk}"]) for node in nodes}


def registrations_pending_for(user):
    """Registrations of professionals waiting for this admin, oldest first."""
    return (
        persons_visible_to(user)
        .filter(status=Person.Status.PENDING)
        .select_related("user", "unit")
        .order_by("created_at", "pk")
    )


def transfers_incoming_for(user):
    """Transfers whose destination unit lies in the user's scope (the receiving side)."""
    return PersonTransfer.objects.filter(scope_q(user, "to_path"))


def phone_change_pending_of(user):
    """The account's newest phone-change code while it can still be used, or None."""
    from .services.one_time_codes import code_live  # the services package imports this module

    newest = PhoneChangeCode.objects.filter(user=user).order_by("-created_at", "-pk").first()
    if newest is None or not code_live(newest, max_failures=settings.PHONE_CHANGE_MAX_FAILURES):
        return None
    return newest


# --- Profile requests (职称变更, 姓名、身份证号更正) ----------------------------------------


def title_changes_visible_to(user):
    """Title changes asked under a unit in the user's scope (the unit's admins decide)."""
    return TitleChange.objects.filter(scope_q(user, "org_path"))


def identity_corrections_visible_to(user):
    return IdentityCorrection.objects.filter(scope_q(user, "org_path"))


def profile_requests_readable_by(model, user):
    """Requests of ``model`` the user may read (their evidence too): their own, and those in
    their scope."""
    return model.objects.filter(scope_q(user, "org_path") | Q(person__user=user))


def profile_requests_pending(user) -> list:
    """The pending title changes and corrections in the user's scope, bare, for counting."""
    return [
        title_changes_visible_to(user).filter(status=TitleChange.Status.PENDING),
        identity_corrections_visible_to(user).filter(status=IdentityCorrection.Status.PENDING),
    ]


def title_changes_pending_for(user):
    """Title changes waiting for this admin, oldest first."""
    return (
        title_changes_visible_to(user)
        .filter(status=TitleChange.Status.PENDING)
        .select_related("person__user", "person__unit")
        .order_by("requested_at", "pk")
    )


def identity_corrections_pending_for(user):
    """Name / ID corrections waiting for this admin, oldest first; ``number_taken`` says
    whether another account already holds the corrected ID number (approval would refuse)."""
    User = get_user_model()
    others = User._default_manager.exclude(pk=OuterRef("person__user_id")).filter(
        Q(id_number=OuterRef("id_number")) | Q(username=OuterRef("id_number"))
    )
    return (
        identity_corrections_visible_to(user)
        .filter(status=IdentityCorrection.Status.PENDING)
        .select_related("person__user", "person__unit")
        .annotate(number_taken=Exists(others))
        .order_by("requested_at", "pk")
    )


def id_number_taken(number: str, *, owner) -> bool:
    """Whether an account other than ``owner`` holds ``number`` (as its ID number, or as the
    username a professional registered with)."""
    User = get_user_model()
    return (
        User._default_manager.exclude(pk=owner.pk)
        .filter(Q(id_number=number) | Q(username=number))
        .exists()
    )


# --- Registration status shown at login ----------------------------------------------------------


@dataclass(frozen=True)
class RegistrationStatus:
    """Why an account with the right password is still inactive: its registration's state."""

    kind: str  # "person" or "org"
    object_id: int
    status: str  # pending / rejected / withdrawn
    reviewer: str  # the unit (person) or parent org (org) whose admin decides
    reason: str = ""

    @property
    def message(self) -> str:
        if self.status == "pending":
            return f"您的注册申请正在等待“{self.reviewer}”管理员审核，审核通过后即可登录。"
        if self.status == "rejected":
            reason = self.reason.rstrip("。.；; ") or "未说明"
            return f"您的注册申请未通过审核，原因：{reason}。可以重新注册。"
        return "您已撤回注册申请，可以重新注册。"


REGISTRATION_STATES = ("pending", "rejected", "withdrawn")


def registration_status_of(user) -> RegistrationStatus | None:
    """The state of the registration that keeps ``user`` inactive, or None (plain inactive)."""
    person = Person.objects.filter(user=user).select_related("unit").first()
    if person is not None:
        if person.status not in REGISTRATION_STATES:
            return None
        return RegistrationStatus(
            kind="person",
            object_id=person.pk,
            status=person.status,
            reviewer=person.unit.name,
            reason=person.reject_reason,
        )
    role = (
        OrgAdmin.objects.filter(user=user, org__status__in=REGISTRATION_STATES)
        .select_related("org__parent")
        .order_by("-created_at", "-pk")
        .first()
    )
    if role is None:
        return None
    org = role.org
    return RegistrationStatus(
        kind="org",
        object_id=org.pk,
        status=org.status,
        reviewer=org.parent.name if org.parent_id else org.name,
        reason=org.reject_reason,
    )
