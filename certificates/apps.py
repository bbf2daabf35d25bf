from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "证书"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from credits.signals import person_years_changed

        from .receivers import on_person_years_changed

        person_years_changed.connect(on_person_years_changed, dispatch_uid="certificates.supersede")

        # seals: menu and registrations
        # issues: menu and registrations
        # batch: menu, job kind and registrations
