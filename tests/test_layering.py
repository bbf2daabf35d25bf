"""The apps' dependency direction (DESIGN.md): portal <- accounts/orgtree <- plans, bulletin <-
credits <- certificates (plans and bulletin are the year's documents and notices; credits uses
the filed plans' items). No app imports one to its right, portal imports no app, and orgtree
does not import accounts (accounts builds on orgtree's tree and scoping). Every import counts:
at module level or inside a function, ``import x`` or ``from x import y``, relative ones
resolved.
The ``bench`` package measures the whole portal and may import anything."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "accounts", "orgtree", "plans", "bulletin", "credits", "certificates")
LATER = {"plans", "bulletin", "credits", "certificates"}
FORBIDDEN = {
    "portal": {"accounts", "orgtree"} | LATER,
    "accounts": LATER,
    "orgtree": {"accounts"} | LATER,
    "plans": {"accounts", "bulletin", "credits", "certificates"},
    "bulletin": {"accounts", "plans", "credits", "certificates"},
    "credits": {"certificates"},
    "certificates": set(),
}


def imported_modules(source: str, module: str, *, is_package: bool = False):
    """(line, absolute module name) of every import in ``source``, the code of ``module``."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            yield node.lineno, name


def violations(source: str, module: str, *, is_package: bool = False, where: str = "") -> list:
    app = module.split(".")[0]
    found = []
    for line, name in imported_modules(source, module, is_package=is_package):
        target = name.split(".")[0]
        if target in FORBIDDEN[app]:
            found.append(f"{where or module}:{line}: {app} imports {name}")
    return found


def app_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            is_package = path.name == "__init__.py"
            parts = relative.parent.parts if is_package else relative.with_suffix("").parts
            yield path, relative, ".".join(parts), is_package


def test_no_app_imports_one_to_its_right():
    found = []
    checked = 0
    for path, relative, module, is_package in app_sources():
        source = path.read_text(encoding="utf-8")
        found += violations(source, module, is_package=is_package, where=str(relative))
        checked += 1
    assert checked > 100  # the walk really saw the apps
    assert not found, "imports against the layering:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from credits.models import Declaration", "orgtree.selectors", 1),
        ("import certificates.rendering", "credits.services.review", 1),
        ("def f():\n    from accounts.models import Person\n", "orgtree.views.directory", 1),
        ("from ...certificates import demo", "credits.services.review", 1),
        ("from .. import models", "certificates.views.issues", 0),
        ("from . import job_kinds", "credits", 0),  # an __init__: its own package
        ("from accounts import demo", "portal.management.commands.load_demo", 1),
        ("import orgtree", "portal.views", 1),
        ("from orgtree.selectors import scope_q\nimport accounts", "credits.workflow", 0),
        ("from portal.services import audit_record", "certificates.services.seals", 0),
    ],
)
def test_the_checker_catches_a_violation(source, module, expected):
    is_package = module == "credits"
    found = violations(source, module, is_package=is_package)
    assert len(found) == expected, found
    if expected:
        assert found[0].startswith(f"{module}:")
