"""Scoped reads of the batch printing page: the people and units an admin may print for, the
people with filed hours for a year, and a unit named in the form. The page, its count and the
job all resolve the selection through these, so they agree."""

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

from accounts.models import Person
from credits.models import PersonYear
from orgtree.models import Org
from orgtree.selectors import orgs_visible_to, scope_q

from .selectors import persons_printable_by


def batch_persons_in_scope(actor) -> QuerySet[Person]:
    """The approved people of the admin's scope; never the admin's own record as such (an
    admin prints for their scope, not for themselves)."""
    return persons_printable_by(actor).filter(scope_q(actor, "org_path"))


def batch_persons_filed(actor, year: int, unit: Org | None = None) -> QuerySet[Person]:
    """The people in scope (in ``unit`` when given) with hours filed for ``year``."""
    filed = (
        PersonYear.objects.filter(year=year)
        .alias(filed_total=F("filed_public") + F("filed_professional"))
        .filter(Q(filed_total__gt=0) | Q(completed=True))
    )
    persons = batch_persons_in_scope(actor).filter(pk__in=filed.values("person_id"))
    if unit is not None:
        persons = persons.filter(org_path__startswith=unit.path)
    return persons


def batch_units_in_scope(actor) -> QuerySet[Org]:
    return orgs_visible_to(actor).filter(kind=Org.Kind.UNIT, status=Org.Status.APPROVED)


def batch_unit_lookup(actor, text: str) -> Org:
    """The unit in scope named (or with the 统一社会信用代码) ``text``; a unique partial name
    match is accepted too."""
    text = (text or "").strip()
    units = batch_units_in_scope(actor)
    exact = list(units.filter(Q(name=text) | Q(credit_code=text.upper()))[:2])
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise ValidationError(f"有多个单位名为“{text}”，请改为输入该单位的统一社会信用代码。")
    matches = list(units.filter(name__icontains=text).order_by("name")[:4])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(f"您的管辖范围内没有找到单位“{text}”。")
    names = "、".join(unit.name for unit in matches[:3])
    raise ValidationError(f"有多个单位符合“{text}”（{names} 等），请输入完整的单位名称。")
