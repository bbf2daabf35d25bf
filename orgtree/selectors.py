"""Tenant scoping: the one mechanism by which an admin sees only their subtree.

An admin holds the ``orgtree.manage_org`` object permission (django-guardian) on the approved
orgs they administer. Their scope is those orgs' materialised paths; any row carrying an
``org_path`` (or an Org's own ``path``) is in scope when it starts with one of them. Every list,
detail, export, query and download filters through :func:`scope_q` / :func:`orgs_visible_to`.
"""

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from .models import Org, Region

MANAGE_PERMISSION = "orgtree.manage_org"


def admin_orgs(user) -> QuerySet[Org]:
    """The approved orgs on which ``user`` holds the admin role (not their descendants)."""
    if not user.is_authenticated or not user.is_active:
        return Org.objects.none()
    return get_objects_for_user(
        user,
        MANAGE_PERMISSION,
        klass=Org.objects.filter(status=Org.Status.APPROVED),
        accept_global_perms=False,
        with_superuser=False,
    ).select_related("region")


def scope_paths(user) -> tuple[str, ...]:
    """The path prefixes of the user's scope, nested ones removed; cached on the user object."""
    cached = getattr(user, "_scope_paths", None)
    if cached is not None:
        return cached
    paths = sorted(admin_orgs(user).values_list("path", flat=True))
    outermost: list[str] = []
    for path in paths:
        if not any(path.startswith(kept) for kept in outermost):
            outermost.append(path)
    result = tuple(outermost)
    if user.is_authenticated:
        user._scope_paths = result
    return result


def is_admin(user) -> bool:
    return bool(scope_paths(user))


def scope_q(user, field: str = "org_path") -> Q:
    """A filter on ``field`` (a materialised path) that keeps the rows in the user's scope."""
    q = Q(pk__in=[])
    for path in scope_paths(user):
        q |= Q(**{f"{field}__startswith": path})
    return q


def orgs_visible_to(user) -> QuerySet[Org]:
    """Orgs in the user's subtrees (their own orgs included), in any status."""
    return Org.objects.filter(scope_q(user, "path"))


def org_in_scope(user, org: Org) -> bool:
    return any(org.path.startswith(path) for path in scope_paths(user))


def pending_orgs_for(user) -> QuerySet[Org]:
    """Registrations waiting for this admin: pending orgs under an org in their scope."""
    own = [org.pk for org in admin_orgs(user)]
    return (
        orgs_visible_to(user)
        .filter(status=Org.Status.PENDING)
        .exclude(pk__in=own)
        .select_related("parent", "region")
        .order_by("created_at", "pk")
    )


def parent_choices(kind: str, region: Region | None) -> QuerySet[Org]:
    """Approved orgs a new org of ``kind`` may register under, in ``region``'s offices."""
    allowed = {
        Org.Kind.DEPARTMENT: [Org.Kind.HRSS, Org.Kind.DEPARTMENT],
        Org.Kind.UNIT: [Org.Kind.HRSS, Org.Kind.DEPARTMENT],
        Org.Kind.INSTITUTION: [Org.Kind.HRSS],
    }.get(kind, [])
    qs = Org.objects.filter(status=Org.Status.APPROVED, kind__in=allowed)
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("kind", "name")


def units_for_registration(region: Region | None, search: str = "") -> QuerySet[Org]:
    """Approved units a professional of ``region`` may choose (the region and its zones)."""
    qs = Org.objects.filter(kind=Org.Kind.UNIT, status=Org.Status.APPROVED)
    if region is not None:
        qs = qs.filter(region=region)
    if search:
        qs = qs.filter(name__icontains=search.strip())
    return qs.select_related("region", "parent").order_by("name")
