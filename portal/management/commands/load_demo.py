from django.core.management.base import BaseCommand

from portal.demo import demo_loaders_run


class Command(BaseCommand):
    help = "Loads the reference and demo data (idempotent) and prints the demo logins."

    def handle(self, *args, **options):
        for line in demo_loaders_run(progress=self.stdout.write if options["verbosity"] else None):
            self.stdout.write(line)
