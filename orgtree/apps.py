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

        from portal.navigation import signed_in

        from .home import deadlines_panel
        from .roles import is_hrss_admin

        register_home_panel(deadlines_panel, order=15)
        register_menu_item("年度日程", "orgtree:deadlines", is_hrss_admin, order=59, group="system")
        register_menu_item(
            "截止日期例外", "orgtree:deadline-exceptions", is_hrss_admin, order=59, group="review"
        )
        # Beside 我的学时: the dates a professional or a unit must keep (an HRSS office has
        # 年度日程 instead).
        register_menu_item(
            "办理时间",
            "orgtree:calendar",
            lambda user: signed_in(user) and not is_hrss_admin(user),
            order=23,
        )

        from portal.demo import register_demo_loader

        from .demo import calendar_demo_ensure

        # After the demo's declarations, filings and certificates (credits 30, certificates
        # 60), which its deadlines would otherwise refuse; before the statistics (90).
        register_demo_loader(
            "orgtree.calendar", calendar_demo_ensure, order=80, label="演示年度日程"
        )
