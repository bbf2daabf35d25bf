"""Writes fixtures/regions.json: Henan's current region codes (GB/T 2260) from python-stdnum.

Run with the project's virtualenv: `.venv/bin/python scripts/make_region_fixture.py`. The
functional zones of the seeds (漯河's 城乡一体化示范区, 经济技术开发区, 西城区) are not in GB/T
2260; they take statistical codes (41117x) and hang under their city like counties.
"""

import json
import re
from pathlib import Path

import stdnum

LOC = Path(stdnum.__file__).parent / "cn" / "loc.dat"
OUT = Path(__file__).resolve().parent.parent / "fixtures" / "regions.json"
# 省直管县（市）: the counties the province administers directly (their offices file and issue
# like a 省辖市's, 管理办法 第十二条); 济源 (419001, level city) is one too.
DIRECTLY_ADMINISTERED = {
    "410181",  # 巩义市
    "410225",  # 兰考县
    "410482",  # 汝州市
    "410526",  # 滑县
    "410783",  # 长垣市
    "411381",  # 邓州市
    "411481",  # 永城市
    "411525",  # 固始县
    "411628",  # 鹿邑县
    "411729",  # 新蔡县
    "419001",  # 济源市
}
ZONES = [
    ("411171", "漯河经济技术开发区"),
    ("411172", "漯河市城乡一体化示范区"),
    ("411173", "漯河市西城区"),
]
_ENTRY = re.compile(r"\[(\d*)-(\d*)\]([^,]+)")


def current_name(names: str) -> str | None:
    """The name in force now: the one without an end year, or a plain name without brackets."""
    if "[" not in names:
        return names
    for _start, end, name in _ENTRY.findall(names):
        if not end:
            return name
    return None


def henan_regions() -> list[tuple[str, str]]:
    rows, inside = [], False
    for line in LOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith(" "):
            inside = line.startswith("41 ")
            continue
        if not inside:
            continue
        suffix, _, rest = line.strip().partition(" ")
        name = current_name(rest.split('"')[1])
        if name and name not in {"市辖区", "省直辖县级行政单位"}:
            rows.append(("41" + suffix, name))
    return rows


def main() -> None:
    objects = []
    for code, name in henan_regions() + ZONES:
        if code == "410000":
            level, parent = "province", None
        elif code.endswith("00") or code == "419001":
            level, parent = "city", "410000"
        else:
            level, parent = "county", code[:4] + "00"
        if code in dict(ZONES):
            level = "zone"
        objects.append(
            {
                "model": "orgtree.region",
                "pk": code,
                "fields": {
                    "name": name,
                    "level": level,
                    "parent": parent,
                    "directly_administered": code in DIRECTLY_ADMINISTERED,
                },
            }
        )
    OUT.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = {
        level: sum(o["fields"]["level"] == level for o in objects)
        for level in ("province", "city", "county", "zone")
    }
    print(f"{OUT}: {counts}")


if __name__ == "__main__":
    main()
