from django.apps import AppConfig


def everyone(user) -> bool:
    return True


class BulletinConfig(AppConfig):
    name = "bulletin"
    verbose_name = "通知公告与帮助"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orgtree.roles import is_hrss_admin
        from portal.demo import register_demo_loader
        from portal.home import register_home_panel, register_public_panel
        from portal.navigation import register_menu_item

        from .demo import bulletin_demo_ensure
        from .home import contact_panel, notices_panel, public_notices_panel

        register_menu_item("通知公告", "bulletin:notices", everyone, order=5)
        register_menu_item("帮助中心", "bulletin:help", everyone, order=95)
        register_menu_item(
            "发布通知", "bulletin:notice-manage", is_hrss_admin, order=84, group="system"
        )
        # Under the workspace's own panels; the office's contact last, below the jobs (90).
        register_home_panel(notices_panel, order=50)
        register_home_panel(contact_panel, order=95)
        register_public_panel(public_notices_panel, order=10)
        # After certificates (60), before the statistics of everything loaded (90).
        register_demo_loader("bulletin", bulletin_demo_ensure, order=70, label="演示通知公告")
