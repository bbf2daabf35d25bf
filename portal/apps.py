from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "平台"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        from .converters import IdConverter
        from .signals import site_ensure

        # Before any URLconf is imported: every urls module spells its ids ``<id:pk>``.
        register_converter(IdConverter, "id")

        post_migrate.connect(site_ensure, sender=self)

        from .home import jobs_panel, register_home_panel

        register_home_panel(jobs_panel, order=90)
