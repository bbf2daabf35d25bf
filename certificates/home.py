"""What certificates puts on the signed-in home page: the seal applications waiting for the
province (a bounded count), and a professional's latest certificate."""

from django.urls import reverse

from orgtree.roles import is_province_admin
from portal.home import Waiting
from portal.pagination import bounded_count

from .models import CertificateIssue, Seal
from .selectors import seals_visible_to


def certificates_waiting(user) -> list[Waiting]:
    if not is_province_admin(user):
        return []
    pending = seals_visible_to(user).filter(status=Seal.Status.PENDING)
    return [
        Waiting("seals", "电子签章待审批", bounded_count(pending), reverse("certificates:seals"))
    ]


def latest_certificate_panel(user) -> dict | None:
    """The professional's newest certificate, whatever its state (a revoked one says so)."""
    issue = (
        CertificateIssue.objects.filter(person__user=user)
        .order_by("-issued_at", "-pk")
        .select_related("office")
        .first()
    )
    if issue is None:
        return None
    return {"template": "certificates/home_latest.html", "issue": issue}
