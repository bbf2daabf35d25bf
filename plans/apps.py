from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "培训计划与折算办法"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orgtree.roles import is_hrss_admin
        from portal.demo import register_demo_loader
        from portal.home import register_waiting_source
        from portal.navigation import register_menu_item

        from .access import is_department_admin, is_planner, rules_menu
        from .demo import plans_demo_ensure
        from .home import plans_waiting

        register_menu_item("年度培训计划", "plans:plans", is_planner, order=68, group="people")
        register_menu_item(
            "行业学时折算办法", "plans:rules", is_department_admin, order=69, group="people"
        )
        # Professionals have no menu groups: their pages are single entries (我的学时 21...).
        # A department's admins find their own on 行业学时折算办法 (the page lets them in too).
        register_menu_item("学时折算办法", "plans:rules-in-force", rules_menu, order=24)
        register_menu_item(
            "培训计划备案", "plans:plan-queue", is_hrss_admin, order=66, group="review"
        )
        register_menu_item(
            "折算办法备案", "plans:rule-queue", is_hrss_admin, order=67, group="review"
        )
        register_waiting_source(plans_waiting, order=40)
        # After accounts' orgs and people (10), before credits' declarations (30), which may
        # name the demo plans' projects.
        register_demo_loader("plans", plans_demo_ensure, order=20, label="演示培训计划")
