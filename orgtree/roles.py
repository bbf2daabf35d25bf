"""A user's admin roles, read once per request.

An admin holds the ``orgtree.manage_org`` object permission (django-guardian) on the approved
orgs they administer. Every role question (is this user an admin, an HRSS admin, the province's
admin; which paths may they review at a step; which offices do they run) is answered from one
query of those orgs, kept on the user object: ``request.user`` lives for one request, and a
service given a user object keeps it for its own call. A service that grants or removes a role
calls :func:`roles_forget` on the user object it changed.
"""

from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from .models import Org, Region

MANAGE_PERMISSION = "orgtree.manage_org"
CACHE_ATTRIBUTE = "_roles"


def admin_orgs(user) -> QuerySet[Org]:
    """The approved orgs on which ``user`` holds the admin role (not their descendants), for
    callers that need a QuerySet; role questions go through :func:`roles_of`."""
    if not user.is_authenticated or not user.is_active:
        return Org.objects.none()
    # The grants are read directly rather than through guardian's get_objects_for_user: roles
    # are only ever granted to users (never groups, never globally), and guardian's query
    # compares CAST(org.id AS text) with the grants, which scans every org; this one looks up
    # the user's few grants by index and then their orgs by primary key.
    granted = (
        UserObjectPermission.objects.filter(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(Org),
            permission__codename=MANAGE_PERMISSION.split(".")[1],
        )
        .annotate(org_id=Cast("object_pk", BigIntegerField()))
        .values("org_id")
    )
    return Org.objects.filter(status=Org.Status.APPROVED, pk__in=granted).select_related("region")


def outermost(paths) -> tuple[str, ...]:
    """The paths with the ones nested under another removed, in path order."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return tuple(kept)


def is_province_office(org: Org) -> bool:
    """The province's HRSS office (河南省人社厅), which approves seals and writes province rows."""
    return org.kind == Org.Kind.HRSS and org.region.level == Region.Level.PROVINCE


# 管理办法 第十二条: certificates are issued (发放) by the province for 省直 units and by the
# offices of the 省辖市 and 省直管县（市） for theirs; an ordinary county, district or functional
# zone office holds no seal, and its units' certificates carry their city's.
ISSUING_LEVELS = (Region.Level.PROVINCE, Region.Level.CITY)


def is_issuing_office(org: Org) -> bool:
    """An HRSS office that holds a continuing-education seal and issues certificates: the
    province, a 省辖市 or a 省直管县（市）. (:func:`issuing_office_q` is the same rule in SQL.)"""
    return org.kind == Org.Kind.HRSS and (
        org.region.level in ISSUING_LEVELS or org.region.directly_administered
    )


def issuing_office_q(prefix: str = "") -> Q:
    """:func:`is_issuing_office` as a filter on orgs, reached through ``prefix`` (e.g.
    ``"office__"`` from a seal)."""
    return Q(**{f"{prefix}kind": Org.Kind.HRSS}) & (
        Q(**{f"{prefix}region__level__in": ISSUING_LEVELS})
        | Q(**{f"{prefix}region__directly_administered": True})
    )


class Roles:
    """The orgs a user administers (region loaded), highest first, and what follows from them."""

    def __init__(self, orgs=()):
        self.orgs: tuple[Org, ...] = tuple(sorted(orgs, key=lambda org: (org.level, org.pk)))
        self.scope_paths = outermost(org.path for org in self.orgs)
        self.hrss_offices = tuple(org for org in self.orgs if org.kind == Org.Kind.HRSS)
        self.is_admin = bool(self.orgs)
        self.is_hrss = bool(self.hrss_offices)
        self.is_province = any(is_province_office(office) for office in self.hrss_offices)

    def paths(self, *kinds: str) -> tuple[str, ...]:
        """The scope paths of the user's orgs of these kinds (e.g. the offices that file)."""
        return outermost(org.path for org in self.orgs if org.kind in kinds)

    @cached_property
    def filing_paths(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """For each HRSS office the user administers: its path and the paths of the approved
        HRSS offices directly below it, in byte order. An office files (备案) what lies under
        its own path but under none of those (周口 guide 第五步: 上报到同级人社部门进行备案);
        deeper offices lie under the direct ones. Read in one query, the first time it is asked
        for."""
        if not self.hrss_offices:
            return ()
        children: dict[int, list[str]] = {office.pk: [] for office in self.hrss_offices}
        rows = Org.objects.filter(
            parent_id__in=list(children), kind=Org.Kind.HRSS, status=Org.Status.APPROVED
        )
        for parent_id, path in rows.values_list("parent_id", "path"):
            children[parent_id].append(path)
        return tuple(
            (office.path, tuple(sorted(children[office.pk]))) for office in self.hrss_offices
        )


NO_ROLES = Roles()


def roles_of(user) -> Roles:
    """The user's roles, from one query the first time they are asked for on this object."""
    if not user.is_authenticated or not user.is_active:
        # Anonymous visitors have no roles; the menu asks many times per public page.
        return NO_ROLES
    roles = getattr(user, CACHE_ATTRIBUTE, None)
    if roles is None:
        roles = Roles(admin_orgs(user))
        setattr(user, CACHE_ATTRIBUTE, roles)
    return roles


def roles_forget(user) -> None:
    """Drops the cached roles of this user object after its roles changed."""
    if hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)


def is_admin(user) -> bool:
    return roles_of(user).is_admin


def is_institution_admin(user) -> bool:
    """An admin of a training institution (施教机构): its programmes and their results."""
    return bool(roles_of(user).paths(Org.Kind.INSTITUTION))


def hrss_offices(user) -> tuple[Org, ...]:
    """The approved HRSS offices the user administers, the highest first."""
    return roles_of(user).hrss_offices


def is_hrss_admin(user) -> bool:
    return roles_of(user).is_hrss


def is_province_admin(user) -> bool:
    return roles_of(user).is_province
