"""Demo data, loaded by ``manage.py load_demo``. portal imports no app, so each app registers
its loader in ``AppConfig.ready()`` with an ``order``: accounts' organisations and people
first, then the apps that build on them. Each loader is idempotent, commits its own steps, and
may return lines to print once every loader has run (accounts returns the demo logins)."""

import time
from collections.abc import Callable, Iterable

DemoLoader = Callable[[], Iterable[str] | None]
DEMO_LOADERS: list[tuple[int, str, DemoLoader, str]] = []


def register_demo_loader(
    name: str, loader: DemoLoader, *, order: int = 50, label: str = ""
) -> None:
    """``label`` names the step in the progress lines (the first load takes a minute: each
    demo password is hashed with argon2)."""
    if all(existing != name for _, existing, _, _ in DEMO_LOADERS):  # ready() may run twice
        DEMO_LOADERS.append((order, name, loader, label or name))


def demo_loaders_run(progress: Callable[[str], None] | None = None) -> list[str]:
    """Runs the loaders in order, telling ``progress`` as each starts and ends, and returns the
    lines they asked to print."""
    lines: list[str] = []
    loaders = sorted(DEMO_LOADERS, key=lambda item: (item[0], item[1]))
    for step, (_, _, loader, label) in enumerate(loaders, start=1):
        started = time.perf_counter()
        if progress:
            progress(f"[{step}/{len(loaders)}] 正在载入{label}…")
        lines += loader() or []
        if progress:
            progress(
                f"[{step}/{len(loaders)}] {label}已就绪（{time.perf_counter() - started:.1f} 秒）"
            )
    return lines
