"""The undo steps of the worker figures: what a figure wrote is deleted again once the
worker that wrote it has stopped, whatever happened in between."""

from collections.abc import Callable


class Cleanup:
    """Undo steps, run in reverse order on exit whatever happened; every step runs even when
    one fails, and the failures are raised together at the end."""

    def __init__(self, write: Callable[[str], None]):
        self.steps: list[tuple[str, Callable[[], None]]] = []
        self.write = write

    def add(self, label: str, step: Callable[[], None]) -> None:
        self.steps.append((label, step))

    def __enter__(self) -> "Cleanup":
        return self

    def __exit__(self, *exc) -> None:
        failures = []
        for label, step in reversed(self.steps):
            try:
                step()
            except Exception as error:  # the other steps must still run
                failures.append(f"{label}: {type(error).__name__}: {error}")
                self.write(f"清理失败 / cleanup failed: {failures[-1]}")
        if failures:
            raise RuntimeError("cleanup failed / 清理未完成: " + "; ".join(failures))
