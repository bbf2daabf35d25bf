"""Scoped reads of the admins' single certificate query (单一证书查询).

An admin looks a person up by 证书管理号, ID number or name; only people whose unit lies in the
admin's scope (``scope_q`` on ``org_path``) are ever found, so a person elsewhere and a person who
does not exist give the same empty answer. The person's page then shows their years, the
declarations in scope and their certificate issues, each read through the same filter.
"""

from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from accounts.models import Person
from credits.models import Declaration, PersonYear, ReviewStatus
from credits.selectors import declarations_visible_to
from orgtree.selectors import scope_q

from .models import CertificateIssue
from .selectors import issues_in_scope

# A name of this many characters or more also matches the names that start with it; a single
# character only matches exactly (a one-character prefix would list half a city's surnames).
NAME_PREFIX_MIN = 2


@dataclass(frozen=True)
class PersonLookup:
    """What the query box held, once parsed: a kind (``cert_no``, ``id_number`` or ``name``)
    and the normalised value."""

    CERT_NO = "cert_no"
    ID_NUMBER = "id_number"
    NAME = "name"

    kind: str
    value: str

    @property
    def kind_label(self) -> str:
        return {
            self.CERT_NO: "证书管理号",
            self.ID_NUMBER: "身份证号",
            self.NAME: "姓名",
        }[self.kind]


def persons_in_query_scope(user) -> QuerySet[Person]:
    """Every person of the admin's scope, in any registration state (the page shows it)."""
    if not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.filter(scope_q(user, "org_path")).select_related("user", "unit")


def lookup_q(lookup: PersonLookup) -> Q:
    if lookup.kind == PersonLookup.CERT_NO:
        # A paper-era number may have been typed in as 13 digits too: both are exact matches.
        return Q(cert_no=lookup.value) | Q(legacy_cert_no=lookup.value)
    if lookup.kind == PersonLookup.ID_NUMBER:
        return Q(user__id_number=lookup.value)
    if len(lookup.value) >= NAME_PREFIX_MIN:
        return Q(user__name__startswith=lookup.value)
    return Q(user__name=lookup.value)


def persons_matching(user, lookup: PersonLookup) -> QuerySet[Person]:
    """The people in scope that ``lookup`` names; exact name matches first, then by unit."""
    persons = persons_in_query_scope(user).filter(lookup_q(lookup))
    if lookup.kind == PersonLookup.NAME:
        persons = persons.annotate(
            name_rank=Case(
                When(user__name=lookup.value, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        return persons.order_by("name_rank", "unit__name", "unit_id", "user__name", "pk")
    return persons.order_by("unit__name", "unit_id", "user__name", "pk")


def person_years_in_scope(user, person: Person) -> QuerySet[PersonYear]:
    """The person's yearly summaries, newest first, with the filed total."""
    return (
        PersonYear.objects.filter(scope_q(user, "person__org_path"), person=person)
        .annotate(filed_total=F("filed_public") + F("filed_professional"))
        .order_by("-year")
    )


def person_declarations_in_scope(user, person: Person) -> QuerySet[Declaration]:
    """The person's declarations the admin may see (made under a unit of their scope: a
    declaration keeps the unit it was made in, so one from before a transfer may be elsewhere).
    Drafts are left out: nobody but the declarant sees a declaration before it is submitted."""
    return (
        declarations_visible_to(user)
        .filter(person=person)
        .exclude(status=ReviewStatus.DRAFT)
        .order_by("-year", "-created_at", "-pk")
    )


def person_issues_in_scope(user, person: Person) -> QuerySet[CertificateIssue]:
    return issues_in_scope(user).filter(person=person).order_by("-issued_at", "-pk")
