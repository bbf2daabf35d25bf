"""Scoped reads of the admins' batch query: the people of the admin's scope among the ID and
certificate numbers asked for, with their filed hours of the chosen years.

A number outside the scope is simply not returned, exactly like a number nobody holds: the
caller cannot tell them apart, so neither can the admin. The numbers are looked up in chunks
with a fixed number of queries each (one per kind of number, one for the hours), so a query of
10,000 numbers costs a handful of indexed queries, never one per number.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Person
from credits.models import PersonYear
from orgtree.selectors import scope_q

# Numbers per IN (...) list: far below PostgreSQL's 65,535 and SQLite's 32,766 parameters, and
# small enough for the planner to use the unique indexes on the numbers.
CHUNK = 2000
PERSON_FIELDS = ("pk", "user__name", "user__id_number", "cert_no", "unit__name")


@dataclass(frozen=True)
class YearHours:
    public: Decimal
    professional: Decimal
    completed: bool

    @property
    def total(self) -> Decimal:
        return self.public + self.professional


@dataclass
class FoundPerson:
    pk: int
    name: str
    id_number: str
    cert_no: str
    unit: str
    years: dict[int, YearHours] = field(default_factory=dict)


@dataclass
class Lookup:
    """The people found, by ID number and by 证书管理号."""

    by_id_number: dict[str, FoundPerson]
    by_cert_no: dict[str, FoundPerson]


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def batch_query_lookup(
    actor,
    *,
    id_numbers: Iterable[str],
    cert_nos: Iterable[str],
    first_year: int,
    last_year: int,
) -> Lookup:
    """The approved people in ``actor``'s scope holding any of the numbers (canonical forms:
    18-character ID numbers, 13-digit 证书管理号), each with their hours of the years."""
    in_scope = Person.objects.filter(scope_q(actor, "org_path"), status=Person.Status.APPROVED)
    people: dict[int, FoundPerson] = {}

    def found(row) -> FoundPerson:
        pk, name, id_number, cert_no, unit = row
        return people.setdefault(
            pk, FoundPerson(pk, name or "", id_number or "", cert_no or "", unit or "")
        )

    by_id_number: dict[str, FoundPerson] = {}
    for chunk in _chunks(sorted(set(id_numbers))):
        for row in in_scope.filter(user__id_number__in=chunk).values_list(*PERSON_FIELDS):
            person = found(row)
            by_id_number[person.id_number] = person
    by_cert_no: dict[str, FoundPerson] = {}
    for chunk in _chunks(sorted(set(cert_nos))):
        for row in in_scope.filter(cert_no__in=chunk).values_list(*PERSON_FIELDS):
            person = found(row)
            by_cert_no[person.cert_no] = person
    # Only people resolved through the scope above have their hours read.
    for chunk in _chunks(sorted(people)):
        rows = PersonYear.objects.filter(
            person_id__in=chunk, year__gte=first_year, year__lte=last_year
        ).values_list("person_id", "year", "filed_public", "filed_professional", "completed")
        for person_id, year, public, professional, completed in rows:
            people[person_id].years[year] = YearHours(public, professional, completed)
    return Lookup(by_id_number=by_id_number, by_cert_no=by_cert_no)
