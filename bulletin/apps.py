from django.apps import AppConfig


class BulletinConfig(AppConfig):
    name = "bulletin"
    verbose_name = "通知公告与帮助"
    default_auto_field = "django.db.models.BigAutoField"
