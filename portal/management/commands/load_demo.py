from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, demo_users_ensure


class Command(BaseCommand):
    help = "Loads the demo data (idempotent) and prints the demo logins."

    def handle(self, *args, **options):
        accounts = demo_users_ensure()
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            login = account.username
            if account.id_number:
                login += f" 或 {account.id_number}"
            self.stdout.write(f"  {account.role:<24} {account.name:<8} 登录名：{login}")
