"""How a category turns its typed parameters into hours: one small formula per kind of rule.

Each formula's ``apply(category, values)`` answers ``(hours, basis, detail)``; ``detail`` is the
Chinese explanation after the article. The figures live in the instances (``table.py``).
"""

from dataclasses import dataclass
from decimal import Decimal

from .types import Basis, Category, RuleError
from .values import as_text, hours_of

NO_HOURS = Decimal(0)


def _rank_text(category: Category, values: dict) -> str:
    if "rank" not in values:
        return ""
    return f"，{category.param('rank').label}第 {values['rank']} 名"


@dataclass(frozen=True)
class Declared:
    """The claimed hours stand until the named reviewer confirms them."""

    def apply(self, category: Category, values: dict):
        qualifiers = "".join(
            f"（{param.choice_label(values[param.name])}）"
            for param in category.params
            if param.kind == "choice"
        )
        hours = values["hours"]
        detail = f"{category.label}{qualifiers}，申报 {as_text(hours)} 学时，待审核确认"
        return hours, Basis.DECLARED.value, detail


@dataclass(frozen=True)
class Fixed:
    """The same hours for everyone who qualifies (an exam passed, a patent granted)."""

    hours: int

    def apply(self, category: Category, values: dict):
        detail = f"{category.label}{_rank_text(category, values)} = {self.hours} 学时"
        return Decimal(self.hours), Basis.COMPUTED.value, detail


@dataclass(frozen=True)
class ByRank:
    """Hours by position: the first entry is for rank 1, and ranks beyond the table get none."""

    hours: tuple[int, ...]

    def apply(self, category: Category, values: dict):
        hours = self.hours[values["rank"] - 1]
        detail = f"{category.label}{_rank_text(category, values)} = {hours} 学时"
        return Decimal(hours), Basis.COMPUTED.value, detail


@dataclass(frozen=True)
class PerUnit:
    """``rate`` hours per unit of ``param`` (day, course), plus ``bonus`` when ``bonus_param``."""

    param: str
    rate: int
    bonus_param: str = ""
    bonus: int = 0

    def apply(self, category: Category, values: dict):
        count = values[self.param]
        unit = category.param(self.param).unit
        hours = Decimal(count * self.rate)
        detail = f"{category.label} {count} {unit} × {self.rate} 学时"
        if self.bonus_param and values[self.bonus_param]:
            hours += self.bonus
            detail += f" + {category.param(self.bonus_param).label} {self.bonus} 学时"
        return hours, Basis.COMPUTED.value, f"{detail} = {as_text(hours)} 学时"


@dataclass(frozen=True)
class PerUnitByRank:
    """``rates[rank - 1]`` hours per unit of ``param`` (著作: per 10,000 words)."""

    param: str
    rates: tuple[int, ...]

    def apply(self, category: Category, values: dict):
        amount = values[self.param]
        rate = self.rates[values["rank"] - 1]
        hours = amount * rate
        unit = category.param(self.param).unit
        rounded = hours_of(hours)
        sign = "=" if rounded == hours else "≈"  # 3.3333 万字 × 8 学时 ≈ 26.7 学时
        detail = (
            f"{category.label}{_rank_text(category, values)}，{as_text(amount)} {unit} × "
            f"{rate} 学时 {sign} {as_text(rounded)} 学时"
        )
        return hours, Basis.COMPUTED.value, detail


@dataclass(frozen=True)
class MonthlyUntilFull:
    """``rate`` hours a month; more than ``full_above`` months completes the professional year."""

    param: str
    rate: int
    full_above: int

    def apply(self, category: Category, values: dict):
        months = values[self.param]
        if months > self.full_above:
            detail = (
                f"{category.label} {months} 个月，超过 {self.full_above} 个月，"
                f"{Basis.FULL_PROFESSIONAL.label}"
            )
            return NO_HOURS, Basis.FULL_PROFESSIONAL.value, detail
        hours = months * self.rate
        detail = f"{category.label} {months} 个月 × {self.rate} 学时 = {hours} 学时"
        return Decimal(hours), Basis.COMPUTED.value, detail


@dataclass(frozen=True)
class FullYearAfter:
    """At least ``months`` months complete the whole year (public and professional); fewer: none."""

    param: str
    months: int

    def apply(self, category: Category, values: dict):
        months = values[self.param]
        if months < self.months:
            message = f"须满一年（{self.months} 个月）方可按本项计算学时。"
            raise RuleError({self.param: message})
        detail = f"{category.label}（{months} 个月），{Basis.FULL_YEAR.label}"
        return NO_HOURS, Basis.FULL_YEAR.value, detail
