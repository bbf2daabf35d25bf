"""The import kinds: what each reads, who may upload it, how a row is checked and committed.

A kind is registered once (``register``) and found by its key (``ImportBatch.Kind``). The flow
(services.py) is the same for every kind: read the file with the one spreadsheet reader, check
its rows chunk by chunk into ImportRows (``check``), and on the uploader's word commit the
valid ones chunk by chunk (``commit``), which checks each row again first: a row that went
wrong meanwhile (a person moved out of scope, a key entered by another file) is not entered.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from portal.spreadsheets import Column, Row

from ..models import ImportBatch, ImportRow

VALID, ERROR, SKIPPED = ImportRow.Status.VALID, ImportRow.Status.ERROR, ImportRow.Status.SKIPPED


@dataclass
class Outcome:
    """One row's check: its status, its Chinese errors, and what it resolved to."""

    status: str = VALID
    errors: list[str] = field(default_factory=list)
    person_id: int | None = None
    natural_key: str = ""
    payload: object = None  # what commit enters (a Declaration, a person to create...)
    # Refused because what it would enter is already in the portal (at commit: a duplicate).
    taken: bool = False

    def fail(self, message: str) -> "Outcome":
        self.status = ERROR
        self.errors.append(message)
        return self


@dataclass
class Committed:
    """What a commit chunk did: the rows entered, and the rows refused now with the reason."""

    entered: list[int] = field(default_factory=list)
    duplicates: dict[int, str] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


class IntakeKind(ABC):
    key: str = ""
    # The org kind whose admins upload this kind (their scope is checked on every row).
    org_kind: str = ""
    columns: tuple[Column, ...] = ()
    # Where the committed rows go, for the upload page and the report.
    entry_label: str = ""
    # Whether a batch needs a training programme (the institutions' results).
    needs_programme: bool = False
    # Whether the batch page shows what became of each committed row (the declaration's state).
    shows_outcome: bool = True

    @property
    def label(self) -> str:
        return str(ImportBatch.Kind(self.key).label)

    @abstractmethod
    def template(self) -> bytes:
        """The kind's xlsx template."""

    def template_name(self) -> str:
        return f"{self.label}模板.xlsx"

    @abstractmethod
    def check(self, *, batch: ImportBatch, actor, rows: Sequence[Row], seen: dict) -> list[Outcome]:
        """The outcome of each row, in order. ``seen`` carries what earlier chunks of the same
        file held (keys to their first line), for duplicates within the file."""

    @abstractmethod
    def commit(self, *, batch: ImportBatch, actor, rows: Sequence[ImportRow]) -> Committed:
        """Checks the rows again and enters the valid ones (one chunk, in the caller's
        transaction)."""


KINDS: dict[str, IntakeKind] = {}


def register(cls: type[IntakeKind]) -> type[IntakeKind]:
    """A class decorator: the kind's one instance is registered under its key."""
    KINDS[cls.key] = cls()
    return cls


def kind_of(key: str) -> IntakeKind:
    from django.http import Http404

    try:
        return KINDS[key]
    except KeyError:
        raise Http404("未知的导入类型") from None


def duplicate_in_file(seen: dict, key: str, line: int) -> str:
    """ "" for the first row with ``key``; the message for a later one."""
    first = seen.setdefault(key, line)
    return "" if first == line else f"与本文件第 {first} 行重复。"
