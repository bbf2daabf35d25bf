"""Tenant scoping: the one mechanism by which an admin sees only their subtree.

An admin's scope is the materialised paths of the approved orgs they administer (their roles,
read once per request by :func:`orgtree.roles.roles_of`); any row carrying an ``org_path`` (or
an Org's own ``path``) is in scope when it starts with one of them. Every list, detail, export,
query and download filters through :func:`scope_q` / :func:`orgs_visible_to`.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Lookup, Q, QuerySet

from .models import Org, OrgAdmin, Region
from .roles import issuing_office_q, roles_of


def scope_paths(user) -> tuple[str, ...]:
    """The path prefixes of the user's scope, nested ones removed."""
    return roles_of(user).scope_paths


def scope_q(user, field: str = "org_path", *, kinds: Iterable[str] | None = None) -> Q:
    """A filter on ``field`` (a materialised path) that keeps the rows in the user's scope;
    with ``kinds``, only the rows under the user's orgs of those kinds (e.g. their HRSS
    offices, for the pages and workflow steps that are HRSS business)."""
    roles = roles_of(user)
    paths = roles.scope_paths if kinds is None else roles.paths(*kinds)
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


class _PathCompare(Lookup):
    """``path <op> value`` in the byte order of ``LIKE 'prefix%'``: PostgreSQL's pattern
    operators, which the varchar_pattern_ops indexes on the path columns serve (a plain ``>=``
    would use the database's collation, which orders "/" and digits its own way); SQLite
    compares text byte by byte already. Used as an expression: ``Q(PathFrom(F(field), value))``.
    """

    operators: tuple[str, str] = ("", "")  # (PostgreSQL, other databases)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        postgresql, other = self.operators
        operator = postgresql if connection.vendor == "postgresql" else other
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]


class PathFrom(_PathCompare):
    operators = ("~>=~", ">=")


class PathBefore(_PathCompare):
    operators = ("~<~", "<")


def path_end(path: str) -> str:
    """The first string after every path under ``path``: "/1/7/" -> "/1/70" ("/" is followed
    by "0"), so that "starts with /1/7/" is exactly "from /1/7/, before /1/70"."""
    return path[:-1] + chr(ord(path[-1]) + 1)


def filing_ranges(user) -> tuple[tuple[str, str], ...]:
    """The path ranges [from, before) whose rows the user files (备案): for each HRSS office
    they administer, its subtree with the subtrees of its HRSS child offices cut out (周口
    guide 第五步: the nearest HRSS office above the unit files). An office without offices
    below it has one range, its subtree; the province, one more than its cities."""
    ranges = []
    for path, below in roles_of(user).filing_paths:
        start = path
        for child in below:  # in byte order, as the ranges compare
            if start < child:
                ranges.append((start, child))
            start = max(start, path_end(child))
        if start < path_end(path):
            ranges.append((start, path_end(path)))
    return tuple(ranges)


def filing_scope_parts(user, field: str = "org_path") -> list[Q]:
    """:func:`filing_scope_q` as disjoint parts, one path range each: a range is one index
    range on (status, path), so a queue part reads only the rows the user files, however
    many the offices below them hold (with "under the office but not under a child office",
    PostgreSQL read every row of the province to find the province's own few)."""
    return [
        Q(PathFrom(F(field), start)) & Q(PathBefore(F(field), before))
        for start, before in filing_ranges(user)
    ]


def filing_scope_q(user, field: str = "org_path") -> Q:
    """A filter on ``field`` that keeps the rows whose filing (备案) is the user's: those under
    an HRSS office they administer but under none of its HRSS child offices (offices higher
    up still see them through :func:`scope_q`, but do not file them)."""
    q = Q(pk__in=[])
    for part in filing_scope_parts(user, field):
        q |= part
    return q


def in_filing_scope(user, path: str) -> bool:
    """:func:`filing_scope_q` for one path, in Python."""
    return any(start <= path < before for start, before in filing_ranges(user))


def offices_above(paths: Iterable[str], *, issuing: bool = False) -> dict[str, Org | None]:
    """For each path, the nearest approved HRSS office at or above it (None when there is
    none); with ``issuing``, the nearest office that issues certificates
    (:func:`orgtree.roles.is_issuing_office`). One query for all the paths."""
    paths = list(paths)
    ids = {path: [int(part) for part in path.strip("/").split("/") if part] for path in paths}
    offices = Org.objects.filter(
        pk__in={pk for chain in ids.values() for pk in chain},
        kind=Org.Kind.HRSS,
        status=Org.Status.APPROVED,
    )
    if issuing:
        offices = offices.filter(issuing_office_q())
    by_pk = offices.select_related("region").in_bulk()
    return {
        path: next((by_pk[pk] for pk in reversed(chain) if pk in by_pk), None)
        for path, chain in ids.items()
    }


def orgs_visible_to(user) -> QuerySet[Org]:
    """Orgs in the user's subtrees (their own orgs included), in any status."""
    return Org.objects.filter(scope_q(user, "path"))


def org_in_scope(user, org: Org) -> bool:
    return any(org.path.startswith(path) for path in scope_paths(user))


def audit_path(user, org: Org | None = None) -> str:
    """The ``org_path`` of an audit row or a job for a read across the user's scope: the org's
    path when the read is of one org, else the user's first scope root ("" without a scope)."""
    if org is not None:
        return org.path
    return next(iter(scope_paths(user)), "")


def pending_orgs_for(user) -> QuerySet[Org]:
    """Registrations waiting for this admin: pending orgs under an org in their scope."""
    own = [org.pk for org in roles_of(user).orgs]
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


def admin_user_ids(org_ids: Iterable[int]) -> defaultdict[int, list[int]]:
    """The active admins (user ids) of each of these orgs (none: an empty list), in one query:
    who a message about an org goes to."""
    admins: defaultdict[int, list[int]] = defaultdict(list)
    rows = OrgAdmin.objects.filter(org_id__in=list(org_ids), active=True).order_by("pk")
    for org_id, user_id in rows.values_list("org_id", "user_id"):
        admins[org_id].append(user_id)
    return admins


def units_for_registration(
    region: Region | None, search: str = "", *, counties: bool = False
) -> QuerySet[Org]:
    """Approved units a professional of ``region`` may choose; with ``counties``, those of the
    counties (and zones) under it instead (a city's 市直 search found nothing)."""
    qs = Org.objects.filter(kind=Org.Kind.UNIT, status=Org.Status.APPROVED)
    if region is not None:
        qs = qs.filter(region__parent=region) if counties else qs.filter(region=region)
    if search:
        qs = qs.filter(name__icontains=search.strip())
    return qs.select_related("region", "parent").order_by("name")


# --- Pages of the orgtree app (registration queue, directory, admins, audit) -------------------


def registrations_decided_for(user) -> QuerySet[Org]:
    """Registrations under the user's orgs that have been decided (or withdrawn), newest first."""
    own = [org.pk for org in roles_of(user).orgs]
    return (
        orgs_visible_to(user)
        .filter(decided_at__isnull=False)
        .exclude(pk__in=own)
        .select_related("parent", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def org_admins_visible_to(user) -> QuerySet[OrgAdmin]:
    """Active admins of the orgs in the user's scope."""
    return OrgAdmin.objects.filter(scope_q(user, "org__path"), active=True).select_related(
        "org", "user"
    )


def org_admins_own(user) -> QuerySet[OrgAdmin]:
    """The user's own active admin roles (one per org they administer), with their filing
    information: the rows only they may edit (我的备案信息)."""
    return org_admins_visible_to(user).filter(user_id=user.pk).order_by("org__name", "pk")


def org_admins_below(user) -> QuerySet[OrgAdmin]:
    """The admins whose org lies strictly below one of the user's orgs: those the user may
    help back into their account (忘记密码). Co-admins of the user's own orgs are not."""
    own = [org.pk for org in roles_of(user).orgs]
    return org_admins_visible_to(user).exclude(org_id__in=own).exclude(user_id=user.pk)


def audit_visible_to(user):
    """Audit rows of the user's subtrees; rows without an org path belong to no admin's scope."""
    from portal.models import AuditLog

    return AuditLog.objects.filter(scope_q(user, "org_path")).exclude(org_path="")


def registration_cities() -> QuerySet[Region]:
    """The first choice of the registration page: the province (省直) and its cities."""
    return Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.CITY]).order_by(
        "code"
    )


def registration_counties(city: Region) -> QuerySet[Region]:
    """Counties and functional zones of a city (empty for the province itself)."""
    if city.level != Region.Level.CITY:
        return Region.objects.none()
    return Region.objects.filter(
        parent=city, level__in=[Region.Level.COUNTY, Region.Level.ZONE]
    ).order_by("code")


def directory_nodes(user, depth: int = 2) -> list[tuple[Org, int]]:
    """The user's scope roots and the offices and departments below them, ``depth`` levels deep.

    Returns (org, depth below its root) in display order (depth first; departments before the
    offices below, by name), with ``child_count`` annotated. Units and institutions are reached
    from an org's page, so the directory stays small at any scale.
    """
    roles = roles_of(user)
    roots = [org for org in roles.orgs if org.path in roles.scope_paths]
    if not roots:
        return []
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(
            path__startswith=root.path,
            level__lte=root.level + depth,
            kind__in=[Org.Kind.HRSS, Org.Kind.DEPARTMENT],
        ) | Q(pk=root.pk)
    nodes = list(
        Org.objects.filter(q).annotate(child_count=Count("children")).select_related("region")
    )
    children: dict[int | None, list[Org]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    for siblings in children.values():
        # Departments of an office first, then the offices below it, each by name.
        siblings.sort(key=lambda org: (org.kind != Org.Kind.DEPARTMENT, org.name))
    result: list[tuple[Org, int]] = []

    def walk(node: Org, below_root: int) -> None:
        result.append((node, below_root))
        for child in children.get(node.pk, []):
            walk(child, below_root + 1)

    by_pk = {node.pk: node for node in nodes}
    for root in sorted(roots, key=lambda org: (org.tree_id, org.lft)):
        walk(by_pk[root.pk], 0)
    return result
