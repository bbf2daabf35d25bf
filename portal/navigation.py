"""The menu in the header. Apps add entries here as their pages arrive; each entry says who sees it.

Role-specific entries (unit, department, HRSS admins) test the user's roles; until those roles
exist only the account entries and staff's system management apply.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    visible: Callable[[object], bool]


def _anonymous(user) -> bool:
    return not user.is_authenticated


def _signed_in(user) -> bool:
    return user.is_authenticated


def _staff(user) -> bool:
    return user.is_authenticated and user.is_staff


MENU: list[MenuItem] = [
    MenuItem("首页", "home", lambda user: True),
    MenuItem("注册指南", "register-guide", _anonymous),
    MenuItem("我的任务", "jobs", _signed_in),
    MenuItem("修改密码", "accounts:password-change", _signed_in),
    MenuItem("系统管理", "admin:index", _staff),
]


def menu_for(user, current_path: str) -> list[dict]:
    items = []
    for item in MENU:
        if item.visible(user):
            url = reverse(item.url_name)
            active = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    return items
