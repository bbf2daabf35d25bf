"""The portal addresses its users as 您 everywhere (issue 16): no template, script or message
in the code says 你."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    "templates",
    "static",
    "portal",
    "accounts",
    "orgtree",
    "plans",
    "bulletin",
    "credits",
    "certificates",
]
SUFFIXES = {".html", ".js", ".py", ".txt", ".json"}


def test_no_page_or_message_says_ni():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in SOURCES
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in SUFFIXES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "你" in line
    ]
    assert found == []
