"""Reference data loaders: each app registers one in ``AppConfig.ready()``; ``manage.py
load_reference`` runs them in registration order (the order of INSTALLED_APPS)."""

from collections.abc import Callable

REFERENCE_LOADERS: list[tuple[str, Callable[[], dict[str, int]]]] = []


def register_reference_loader(name: str, loader: Callable[[], dict[str, int]]) -> None:
    if all(existing != name for existing, _ in REFERENCE_LOADERS):
        REFERENCE_LOADERS.append((name, loader))


def reference_load_all() -> dict[str, int]:
    created: dict[str, int] = {}
    for _, loader in REFERENCE_LOADERS:
        created.update(loader())
    return created
