from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = "学时"
    default_auto_field = "django.db.models.BigAutoField"
