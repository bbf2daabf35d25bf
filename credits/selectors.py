"""Scoped reads of the credits app: a record is visible to its person and to admins whose
subtree holds the record's unit (``org_path``); anything else answers 404 like a missing one."""

from django.db.models import Q, QuerySet

from orgtree.selectors import scope_q
from portal.bulk import ids_in

from .models import Declaration, Evidence, Exemption, ReviewEvent, ReviewStatus


def _visible(user, prefix: str = "") -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}person__user": user}) | scope_q(user, f"{prefix}org_path")


def declarations_visible_to(user) -> QuerySet[Declaration]:
    return Declaration.objects.filter(_visible(user))


def declarations_of(user) -> QuerySet[Declaration]:
    """The user's own declarations (the professional's pages)."""
    return (
        Declaration.objects.filter(person__user=user)
        if user.is_authenticated
        else (Declaration.objects.none())
    )


def exemptions_visible_to(user) -> QuerySet[Exemption]:
    return Exemption.objects.filter(_visible(user))


def exemptions_of(user) -> QuerySet[Exemption]:
    return (
        Exemption.objects.filter(person__user=user)
        if user.is_authenticated
        else (Exemption.objects.none())
    )


def evidence_visible_to(user) -> QuerySet[Evidence]:
    return Evidence.objects.filter(_visible(user, "declaration__") | _visible(user, "exemption__"))


def trail_of(record) -> QuerySet[ReviewEvent]:
    field = record._meta.model_name
    return ReviewEvent.objects.filter(**{field: record}).select_related("actor")


# A person's own declaration that was withdrawn or rejected no longer holds its natural key.
KEY_RELEASED = (ReviewStatus.WITHDRAWN, ReviewStatus.REJECTED)


def natural_keys_taken(keys: list[str]) -> dict[str, str]:
    """Which of these natural keys a declaration already holds, with its state's label: any
    intake row, or a person's own declaration that is still live."""
    if not keys:
        return {}
    rows = (
        Declaration.objects.filter(ids_in("natural_key", keys))
        .exclude(Q(source=Declaration.Source.SELF) & Q(status__in=KEY_RELEASED))
        .values_list("natural_key", "status")
    )
    return {key: str(ReviewStatus(status).label) for key, status in rows}


def declaration_twin(declaration: Declaration) -> Declaration | None:
    """Another live declaration with the same natural key (the personal form warns of it)."""
    return (
        Declaration.objects.filter(natural_key=declaration.natural_key)
        .exclude(pk=declaration.pk)
        .exclude(Q(source=Declaration.Source.SELF) & Q(status__in=KEY_RELEASED))
        .only("pk", "status", "source")
        .first()
    )
