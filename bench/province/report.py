"""Figures, timing and the report: a table on the terminal and ``bench-results.json``."""

import json
import statistics
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    """One measured figure. ``value`` is what the budget judges (a p95, a rate, a ratio...);
    ``budget`` says the rule in words ("p95 < 30 ms"); ``passed`` is None when the figure has
    no budget of its own (it is reported for comparison only)."""

    name: str
    value: float
    unit: str
    budget: str = ""
    passed: bool | None = None
    p50: float | None = None
    p95: float | None = None
    queries: int | None = None
    reference: str = ""  # e.g. "bare view 1.2 ms" measured in the same run
    note: str = ""

    def as_json(self) -> dict:
        """The five keys every run has (pass is null for a figure without a budget), then the
        details this figure has."""
        data = asdict(self)
        data["pass"] = data.pop("passed")
        head = {key: data.pop(key) for key in ("name", "value", "unit", "budget", "pass")}
        return head | {key: value for key, value in data.items() if value not in (None, "")}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Samples:
    """Durations in milliseconds of repeated calls."""

    times: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95)


def sample(
    function: Callable[[], object], *, rounds: int = 20, max_seconds: float = 10.0, warmup: int = 1
) -> Samples:
    """Times ``rounds`` calls of ``function`` (after ``warmup`` untimed ones), stopping early
    when ``max_seconds`` have gone by, so a page that is far over budget cannot stall a run."""
    for _ in range(warmup):
        function()
    result = Samples()
    deadline = time.perf_counter() + max_seconds
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        end = time.perf_counter()
        result.times.append((end - start) * 1000)
        if end > deadline:
            break
    return result


def timed(function: Callable[[], object]) -> tuple[float, object]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cell(text: str, width: int) -> str:
    return text + " " * max(1, width - _width(text))


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


class Report:
    def __init__(self, write: Callable[[str], None] = print):
        self.figures: list[Figure] = []
        self.write = write

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        self.write(self.line(figure))
        return figure

    @staticmethod
    def header() -> str:
        return (
            _cell("figure / 指标", 44)
            + _cell("p50", 9)
            + _cell("p95/value", 12)
            + _cell("unit", 8)
            + _cell("queries", 8)
            + _cell("budget / 预算", 22)
            + "result"
        )

    @staticmethod
    def line(figure: Figure) -> str:
        verdict = {True: "PASS", False: "FAIL", None: "-"}[figure.passed]
        text = (
            _cell(figure.name, 44)
            + _cell(_number(figure.p50), 9)
            + _cell(_number(figure.value), 12)
            + _cell(figure.unit, 8)
            + _cell(_number(figure.queries) if figure.queries is not None else "-", 8)
            + _cell(figure.budget or "-", 22)
            + verdict
        )
        extra = "; ".join(part for part in (figure.reference, figure.note) if part)
        return f"{text}  ({extra})" if extra else text

    def table(self) -> list[str]:
        return [self.header(), *(self.line(figure) for figure in self.figures)]

    @property
    def failures(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.passed is False]

    def conclude(self) -> None:
        """Prints the whole table again and raises CommandError naming the figures over budget
        (what every bench command ends with)."""
        from django.core.management.base import CommandError

        self.write("")
        for line in self.table():
            self.write(line)
        if self.failures:
            raise CommandError(
                f"{len(self.failures)} figure(s) over budget / 未达标: "
                + ", ".join(figure.name for figure in self.failures)
            )

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps([figure.as_json() for figure in self.figures], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
