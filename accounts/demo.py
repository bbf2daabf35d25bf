"""Demo accounts for trying the portal after ``make run``. Idempotent: existing rows are kept."""

from dataclasses import dataclass

from django.db import transaction

from .ids import with_check_character
from .models import User

DEMO_PASSWORD = "Demo@2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    id_number: str | None = None
    is_staff: bool = False
    is_superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin", "系统管理员", "系统管理员（后台）", is_staff=True, is_superuser=True),
    DemoAccount(
        "demo",
        "张伟",
        "专业技术人员（也可用身份证号登录）",
        # 平顶山市新华区, born 1985-03-12, a man (odd sequence digit).
        id_number=with_check_character("41040219850312123"),
    ),
]


@transaction.atomic
def demo_users_ensure() -> list[DemoAccount]:
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "name": account.name,
                "id_number": account.id_number,
                "is_staff": account.is_staff,
                "is_superuser": account.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    return DEMO_ACCOUNTS
