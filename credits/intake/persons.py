"""Who a row is about: the ID number and name of a registered person, checked against the
uploader's scope. Shared by every kind whose rows name a person."""

import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from accounts.models import Person
from orgtree.models import Org
from portal.ids import normalize_id_number
from portal.spreadsheets import is_mangled_number

from .kinds import Outcome

MANGLED = "身份证号被 Excel 以数字格式保存，后几位已丢失；请将该列设为文本格式后重新填写。"
UNKNOWN = "该身份证号没有已通过审核的注册人员，请先办理人员注册或人员导入。"
NAME_MISMATCH = "姓名与该身份证号的注册姓名不符。"


def id_number_read(text: str, outcome: Outcome) -> str:
    """The canonical ID number of a cell, or "" with the reason added to ``outcome``."""
    if not text:
        outcome.fail("请填写身份证号。")
        return ""
    if is_mangled_number(text):
        outcome.fail(MANGLED)
        return ""
    try:
        return normalize_id_number(text)
    except ValidationError as exc:
        outcome.fail(f"身份证号不正确：{exc.messages[0]}")
        return ""


def name_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def persons_by_id_number(numbers: Iterable[str]) -> dict[str, Person]:
    """Approved people by ID number, with what the checks and the records need, in one query."""
    numbers = sorted({number for number in numbers if number})
    if not numbers:
        return {}
    people = (
        Person.objects.filter(user__id_number__in=numbers, status=Person.Status.APPROVED)
        .select_related("user", "unit__parent")
        .only(
            "pk",
            "org_path",
            "unit_id",
            "status",
            "user__id",
            "user__name",
            "user__id_number",
            "unit__id",
            "unit__kind",
            "unit__path",
            "unit__parent__id",
            "unit__parent__kind",
        )
    )
    return {person.user.id_number: person for person in people}


def person_match(
    *,
    outcome: Outcome,
    number: str,
    name: str,
    people: dict[str, Person],
    paths: tuple[str, ...],
    outside: str,
) -> Person | None:
    """The approved person holding ``number`` whose name is ``name``, in one of ``paths``;
    None with the reason added to ``outcome``. ``outside`` says what "out of scope" means for
    this uploader."""
    if not number:
        return None
    person = people.get(number)
    if person is None:
        outcome.fail(UNKNOWN)
        return None
    if not name.strip():
        outcome.fail("请填写姓名。")
        return None
    if name_key(name) != name_key(person.user.name):
        outcome.fail(NAME_MISMATCH)
        return None
    if not any(person.org_path.startswith(path) for path in paths):
        outcome.fail(outside)
        return None
    outcome.person_id = person.pk
    return person


def province_paths(orgs: Iterable[Org]) -> tuple[str, ...]:
    """The path of the outermost HRSS office above each of ``orgs`` (its province's office, the
    root of its tree), read from the ancestors' ids in the orgs' paths in one query: the scope
    of an institution, whose trainees may work anywhere in its province."""
    orgs = list(orgs)
    ancestors = {int(part) for org in orgs for part in org.path.strip("/").split("/") if part}
    if not ancestors:
        return ()
    offices = set(
        Org.objects.filter(pk__in=ancestors, kind=Org.Kind.HRSS).values_list("path", flat=True)
    )
    roots = set()
    for org in orgs:
        above = [path for path in offices if org.path.startswith(path)]
        if above:
            roots.add(min(above, key=len))
    return tuple(sorted(roots))
