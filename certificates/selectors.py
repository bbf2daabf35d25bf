"""Scoped reads of seals and certificate issues.

Issues are visible to their person and to admins whose scope holds the person's unit (the one
scoping filter, ``scope_q``); anything else answers 404 like a missing row. Seals are visible
to the HRSS admins of the office, and every seal to the province.
"""

from collections.abc import Collection

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Person
from credits.selectors import ids_in
from orgtree.models import Org, Region
from orgtree.roles import hrss_offices, is_issuing_office, is_province_admin, issuing_office_q
from orgtree.selectors import scope_q

from .models import CertificateIssue, Seal


def seal_offices_for(user) -> QuerySet[Org]:
    """The HRSS offices whose seal the user may apply for: those they administer that issue
    certificates (the province, a 省辖市, a 省直管县（市）; 管理办法 第十二条)."""
    issuing = [office.pk for office in hrss_offices(user) if is_issuing_office(office)]
    return Org.objects.filter(pk__in=issuing, kind=Org.Kind.HRSS).select_related(
        "region", "region__parent"
    )


def seals_visible_to(user) -> QuerySet[Seal]:
    if is_province_admin(user):
        qs = Seal.objects.all()
    else:
        qs = Seal.objects.filter(office__in=[office.pk for office in hrss_offices(user)])
    return qs.select_related("office", "office__region", "applied_by", "decided_by")


def seal_for_unit(unit: Org) -> Seal | None:
    """The seal a certificate of ``unit``'s people carries: the approved seal of the issuing
    office above the unit (the nearest 省直管县（市）, 省辖市 or the province: 管理办法 第十二条;
    an ordinary county's or zone's seal is never used), else the province's. None when neither
    has one: no certificate is issued then. One query."""
    ancestor_ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    # An issuing office with another issuing office below it on the unit's path is not the
    # unit's issuer (平顶山 for an 汝州 unit); the province stands in for any issuer without a
    # seal.
    issuer_below = Org.objects.filter(
        issuing_office_q(), pk__in=ancestor_ids, level__gt=OuterRef("office__level")
    )
    return (
        Seal.objects.filter(
            issuing_office_q("office__"),
            status=Seal.Status.APPROVED,
            office_id__in=ancestor_ids,
        )
        .exclude(Q(Exists(issuer_below)) & ~Q(office__region__level=Region.Level.PROVINCE))
        .select_related("office")
        .order_by("-office__level")
        .first()
    )


def persons_printable_by(user) -> QuerySet[Person]:
    """People whose certificates ``user`` may request: themselves, and their scope's people."""
    if not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.filter(
        Q(user=user) | scope_q(user, "org_path"), status=Person.Status.APPROVED
    ).select_related("user", "unit", "region")


def issues_visible_to(user) -> QuerySet[CertificateIssue]:
    if not user.is_authenticated:
        return CertificateIssue.objects.none()
    return CertificateIssue.objects.filter(
        Q(person__user=user) | scope_q(user, "person__org_path")
    ).select_related("person", "person__user", "office", "seal")


def issues_in_scope(user) -> QuerySet[CertificateIssue]:
    """An admin's list: the issues of the people in their scope (not their own)."""
    return CertificateIssue.objects.filter(scope_q(user, "person__org_path")).select_related(
        "person", "person__user", "person__unit", "office"
    )


def people_certified(person_ids: Collection[int], year: int) -> set[int]:
    """Which of these people hold a valid certificate covering ``year`` (registered with
    credits' statistics at startup: its rows count them)."""
    return set(
        CertificateIssue.objects.filter(
            ids_in("person_id", person_ids),
            status=CertificateIssue.Status.VALID,
            first_year__lte=year,
            last_year__gte=year,
        )
        .values_list("person_id", flat=True)
        .distinct()
    )
