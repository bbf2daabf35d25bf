"""What accounts puts on the signed-in home page: the people registrations, transfers and
profile requests (title changes, name / ID corrections) waiting for an admin (bounded counts,
portal.home)."""

from django.urls import reverse

from orgtree.roles import is_admin
from portal.home import Waiting
from portal.pagination import bounded_count

from .models import PersonTransfer
from .selectors import (
    profile_requests_pending,
    registrations_pending_for,
    transfers_incoming_for,
)


def accounts_waiting(user) -> list[Waiting]:
    if not is_admin(user):
        return []
    incoming = transfers_incoming_for(user).filter(status=PersonTransfer.Status.PENDING)
    return [
        Waiting(
            "person-registrations",
            "人员注册待审核",
            bounded_count(registrations_pending_for(user)),
            reverse("accounts:registrations"),
        ),
        Waiting(
            "transfers", "调入申请待接收", bounded_count(incoming), reverse("accounts:transfers")
        ),
        Waiting(
            "profile-requests",
            "资料变更待审核",
            bounded_count(profile_requests_pending(user)),
            reverse("accounts:profile-requests"),
        ),
    ]
