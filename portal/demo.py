"""Demo data, loaded by ``manage.py load_demo``. portal imports no app, so each app registers
its loader in ``AppConfig.ready()`` with an ``order``: accounts' organisations and people
first, then the apps that build on them. Each loader is idempotent, commits its own steps, and
may return lines to print once every loader has run (accounts returns the demo logins)."""

from collections.abc import Callable, Iterable

DemoLoader = Callable[[], Iterable[str] | None]
DEMO_LOADERS: list[tuple[int, str, DemoLoader]] = []


def register_demo_loader(name: str, loader: DemoLoader, *, order: int = 50) -> None:
    if all(existing != name for _, existing, _ in DEMO_LOADERS):  # ready() may run twice
        DEMO_LOADERS.append((order, name, loader))


def demo_loaders_run() -> list[str]:
    """Runs the loaders in order and returns the lines they asked to print."""
    lines: list[str] = []
    for _, _, loader in sorted(DEMO_LOADERS, key=lambda item: (item[0], item[1])):
        lines += loader() or []
    return lines
