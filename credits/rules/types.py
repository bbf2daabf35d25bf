"""The vocabulary of the hours rules: subjects, bases, parameters, categories, results."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models


class Subject(models.TextChoices):
    PUBLIC = "public", "公需科目"
    PROFESSIONAL = "professional", "专业科目"


class Basis(models.TextChoices):
    COMPUTED = "computed", "按标准计算"
    DECLARED = "declared", "按申报学时（待审核确认）"
    FULL_PROFESSIONAL = "full_professional", "视为完成年度专业科目学时"
    FULL_YEAR = "full_year", "视为完成年度全部学时"


PARAM_KINDS = ("int", "number", "bool", "choice")


@dataclass(frozen=True)
class Param:
    """One input of a category. ``min_error``/``max_error`` may use {label}, {min} and {max}."""

    name: str
    label: str
    kind: str
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    unit: str = ""
    decimals: int = 0  # places a "number" accepts; an "int" accepts none
    min_error: str = ""
    max_error: str = ""

    def __post_init__(self):
        if self.kind not in PARAM_KINDS:
            raise ValueError(f"unknown parameter kind {self.kind!r}")

    @property
    def required(self) -> bool:
        """An unticked checkbox sends nothing, so an absent bool is False, never missing."""
        return self.kind != "bool"

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class Category:
    """``label`` is the regulation's wording, shown where it explains (the form's fieldset,
    the declaration page); ``name`` is the short plain name shown where one picks or scans."""

    code: str
    subject: str
    article: str
    label: str
    name: str
    params: tuple[Param, ...]
    evidence: tuple[str, ...]
    confirmer: str
    rule: Any  # one of the formulas in credits.rules.formulas
    help: str = ""

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


@dataclass(frozen=True)
class Computation:
    category: str
    hours: Decimal
    basis: str
    explanation: str


class RuleError(Exception):
    """Every problem found at once: parameter name (or "category") -> Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "；".join(f"{name}：{message}" for name, message in self.errors.items())
