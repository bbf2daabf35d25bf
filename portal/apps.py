from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "平台"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Registers the job kinds that ship with the portal itself.
        from . import job_kinds  # noqa: F401
        from .signals import site_ensure

        post_migrate.connect(site_ensure, sender=self)
