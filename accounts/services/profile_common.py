"""What the two profile requests decided by the unit share (title change, name / ID
correction): their evidence file, who hears of them, and the checks before a decision."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from orgtree.selectors import admin_user_ids
from portal.lifecycle import Lifecycle, locked, reason_required
from portal.services import notifications_send
from portal.uploads import upload_read

from ..models import Person

PENDING_EXISTS = "您已有一条待单位审核的{what}申请，请等待审核结果，或先撤回该申请。"
NOT_OWN = "不能审核本人提出的申请，请由上级管理员审核。"
MOVED = "该人员已调往其他单位，此申请请退回，由其本人向现单位重新提出。"
DECIDED = "该申请已处理（%(status)s），无需重复操作。"
NOT_WITHDRAWABLE = "该申请已处理（%(status)s），不能撤回。"


def approved_person(person: Person) -> Person:
    """The person re-read (with their account), refused unless their registration stands."""
    person = Person.objects.select_related("user", "unit").get(pk=person.pk)
    if person.status != Person.Status.APPROVED:
        raise ValidationError("注册申请通过审核后才能办理资料变更。")
    return person


def request_save(request, *, upload, what: str) -> None:
    """Stores ``upload`` (checked by content; None: no file) on the new ``request`` and saves
    it; a second pending request of the person is refused and leaves no file behind."""
    if upload is not None:
        try:
            content, _, extension, _ = upload_read(upload)
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.messages}) from None
        request.evidence.save(f"upload.{extension}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        if request.evidence:
            request.evidence.delete(save=False)
        raise ValidationError(PENDING_EXISTS.format(what=what)) from None


def decision_checked(*, actor, person: Person, request) -> None:
    """Refuses a decision on the actor's own request, or on one asked under a unit the person
    has since left (its admins no longer answer for them)."""
    if person.user_id == actor.pk:
        raise ValidationError(NOT_OWN)
    if person.org_path != request.org_path:
        raise ValidationError(MOVED)


def unit_admins_tell(person: Person, *, title: str, body: str) -> None:
    """A new request, in the messages of the unit's admins, linking to their queue."""
    link = reverse("accounts:profile-requests")
    notifications_send(
        messages=[
            {"user_id": admin, "title": title, "body": body, "link": link}
            for admin in admin_user_ids([person.unit_id])[person.unit_id]
        ]
    )


def person_tell(person: Person, *, title: str, body: str) -> None:
    """A decision, in the person's messages, linking to their record."""
    notifications_send(
        messages=[
            {
                "user_id": person.user_id,
                "title": title,
                "body": body,
                "link": reverse("accounts:me"),
            }
        ]
    )


def request_reject(*, lifecycle: Lifecycle, visible, pk: int, actor, reason: str, title: str, body):
    """Rejects a pending request in the actor's scope (never their own) with a reason, and
    tells the person: ``body(request, reason)`` is the message."""
    reason = reason_required(reason, "请填写不通过的原因。")
    request = locked(visible, pk, refused=DECIDED, missing=Http404(lifecycle.missing))
    if request.person.user_id == actor.pk:
        raise ValidationError(NOT_OWN)
    request = lifecycle.rejected(visible, request.pk, actor=actor, reason=reason)
    person_tell(request.person, title=title, body=body(request, reason))
    return request
