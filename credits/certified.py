"""Which people hold a valid certificate of a year, for the statistics rows: certificates knows
(and credits never imports it), so it registers its answer here at startup
(``CertificatesConfig.ready``), as it registers its menu items and demo data."""

from collections.abc import Callable, Collection

CertifiedPeople = Callable[[Collection[int], int], set[int]]
_sources: list[CertifiedPeople] = []


def register_certified_people(source: CertifiedPeople) -> None:
    if source not in _sources:
        _sources.append(source)


def certified_people(person_ids: Collection[int], year: int) -> set[int]:
    """The ids among ``person_ids`` that hold a valid certificate covering ``year``."""
    found: set[int] = set()
    for source in _sources:
        found |= source(person_ids, year)
    return found
