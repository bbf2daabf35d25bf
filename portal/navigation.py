"""The menu in the header. Apps register their entries in ``AppConfig.ready()``.

portal cannot import the apps to its right, so each app says which of its pages belong in the
menu and who sees them (a predicate on the user), with an ``order`` for the position and the
task ``group`` it belongs to (审核, 人员与机构, 证书, 查询统计, 系统). A user sees only the
entries and groups their role can use; the header shows a group as one menu.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    visible: Callable[[object], bool]
    order: int
    group: str = ""


# The task groups, each placed in the header at its order among the single entries.
GROUPS = {
    "review": ("审核", 50),
    "people": ("人员与机构", 60),
    "certificates": ("证书", 65),
    "reports": ("查询统计", 70),
    "system": ("系统", 85),
}


def anonymous(user) -> bool:
    return not user.is_authenticated


def signed_in(user) -> bool:
    return user.is_authenticated


def staff(user) -> bool:
    return user.is_authenticated and user.is_staff


MENU: list[MenuItem] = []


def register_menu_item(
    label: str, url_name: str, visible: Callable[[object], bool], *, order: int, group: str = ""
) -> None:
    if group and group not in GROUPS:
        raise ValueError(f"unknown menu group {group!r}")
    if any(item.url_name == url_name for item in MENU):
        return  # ready() may run twice in some test set-ups
    MENU.append(MenuItem(label, url_name, visible, order, group))
    MENU.sort(key=lambda item: item.order)


register_menu_item("首页", "home", lambda user: True, order=0)
register_menu_item("注册指南", "register-guide", anonymous, order=10)
register_menu_item("我的任务", "jobs", signed_in, order=80, group="system")
register_menu_item("修改密码", "accounts:password-change", signed_in, order=90, group="system")
register_menu_item("系统管理", "admin:index", staff, order=100, group="system")


def menu_for(user, current_path: str) -> list[dict]:
    """The user's entries, in order, the current page's marked ``active`` (each with its
    ``group``)."""
    items = [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "active": False,
            "group": item.group,
            "order": item.order,
        }
        for item in MENU
        if item.visible(user)
    ]
    # Highlight only the most specific entry: /orgs/registrations/ is not also /orgs/.
    matches = [
        entry
        for entry in items
        if current_path == entry["url"]
        or (entry["url"] != "/" and current_path.startswith(entry["url"]))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return items


def menu_groups(user, current_path: str) -> list[dict]:
    """The header: single entries and task groups (``children``), in order; a group is ``active``
    when it holds the current page."""
    entries: list[tuple[int, dict]] = []
    groups: dict[str, dict] = {}
    for entry in menu_for(user, current_path):
        key = entry["group"]
        if not key:
            entries.append((entry["order"], entry))
            continue
        if key not in groups:
            label, order = GROUPS[key]
            groups[key] = {"label": label, "key": key, "children": [], "active": False}
            entries.append((order, groups[key]))
        groups[key]["children"].append(entry)
        groups[key]["active"] |= entry["active"]
    return [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]
