"""The menu in the header. Apps register their entries in ``AppConfig.ready()``.

portal cannot import the apps to its right, so each app says which of its pages belong in the
menu and who sees them (a predicate on the user), with an ``order`` for the position.
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


def anonymous(user) -> bool:
    return not user.is_authenticated


def signed_in(user) -> bool:
    return user.is_authenticated


def staff(user) -> bool:
    return user.is_authenticated and user.is_staff


MENU: list[MenuItem] = []


def register_menu_item(
    label: str, url_name: str, visible: Callable[[object], bool], *, order: int
) -> None:
    if any(item.url_name == url_name for item in MENU):
        return  # ready() may run twice in some test set-ups
    MENU.append(MenuItem(label, url_name, visible, order))
    MENU.sort(key=lambda item: item.order)


register_menu_item("首页", "home", lambda user: True, order=0)
register_menu_item("注册指南", "register-guide", anonymous, order=10)
register_menu_item("我的任务", "jobs", signed_in, order=80)
register_menu_item("修改密码", "accounts:password-change", signed_in, order=90)
register_menu_item("系统管理", "admin:index", staff, order=100)


def menu_for(user, current_path: str) -> list[dict]:
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": False}
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
