from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, demo_data_ensure
from portal.demo import demo_loaders_run


class Command(BaseCommand):
    help = "Loads the reference and demo data (idempotent) and prints the demo logins."

    def handle(self, *args, **options):
        accounts = demo_data_ensure()
        # After the accounts' transaction: each app's loader commits its own steps.
        demo_loaders_run()
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            hint = f"  {account.login_hint}" if account.login_hint else ""
            self.stdout.write(f"  {account.username:<22} {account.name:<4}  {account.role}{hint}")
