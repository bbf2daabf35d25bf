from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "培训计划与折算办法"
    default_auto_field = "django.db.models.BigAutoField"
