"""Demo data of the apps to the right of portal, run by ``manage.py load_demo`` after the
accounts app's organisations and people exist. Each loader is idempotent."""

from collections.abc import Callable

DEMO_LOADERS: list[tuple[int, str, Callable[[], None]]] = []


def register_demo_loader(name: str, loader: Callable[[], None], *, order: int = 50) -> None:
    if all(existing != name for _, existing, _ in DEMO_LOADERS):  # ready() may run twice
        DEMO_LOADERS.append((order, name, loader))


def demo_loaders_run() -> list[str]:
    ran = []
    for _, name, loader in sorted(DEMO_LOADERS, key=lambda item: (item[0], item[1])):
        loader()
        ran.append(name)
    return ran
