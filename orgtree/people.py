"""The people counts of the org pages. People are accounts' rows and orgtree does not import
accounts (accounts builds on orgtree), so accounts registers its counter in ``ready()``, as the
apps register their menu entries; without one the pages show no counts."""

from collections.abc import Callable

from .models import Org

# (org, children) -> {org id: (approved, pending)} for the subtree of ``org`` and of each child.
PeopleCounter = Callable[[Org, list[Org]], dict[int, tuple[int, int]]]
_COUNTER: list[PeopleCounter] = []


def register_people_counter(counter: PeopleCounter) -> None:
    _COUNTER[:] = [counter]  # one counter; ready() may run twice


def people_counter() -> PeopleCounter | None:
    return _COUNTER[0] if _COUNTER else None
