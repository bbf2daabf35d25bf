from django.apps import AppConfig


class OrgtreeConfig(AppConfig):
    name = "orgtree"
    verbose_name = "组织机构"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.navigation import anonymous, register_menu_item
        from portal.reference import register_reference_loader

        from .reference import reference_load
        from .roles import is_admin

        register_reference_loader("orgtree", reference_load)

        register_menu_item("单位注册", "orgtree:register", anonymous, order=40)
        register_menu_item(
            "机构注册审核", "orgtree:registrations", is_admin, order=45, group="review"
        )
        register_menu_item("机构目录", "orgtree:directory", is_admin, order=50, group="people")
        register_menu_item("审计日志", "orgtree:audit", is_admin, order=60, group="reports")

        from .views.profile import register_profile_menu

        register_profile_menu()

        from portal.home import register_home_panel, register_waiting_source

        from .home import orgtree_waiting, registrations_panel

        register_waiting_source(orgtree_waiting, order=5)
        register_home_panel(registrations_panel, order=10)
