from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = "学时"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.uploads import pillow_limit_apply

        pillow_limit_apply()  # once per process, before any request or task opens an image

        from .receivers import on_person_years_changed
        from .signals import person_years_changed

        person_years_changed.connect(on_person_years_changed, dispatch_uid="credits.statistics")

        from accounts.signals import person_history_changed, person_identity_changed

        from .receivers import on_person_history_changed, on_person_identity_changed

        person_history_changed.connect(on_person_history_changed, dispatch_uid="credits.history")
        person_identity_changed.connect(on_person_identity_changed, dispatch_uid="credits.identity")

        from portal.reference import register_reference_loader

        from .reference import requirements_load

        register_reference_loader("credits", requirements_load)

        from portal.demo import register_demo_loader

        from .demo import credits_demo_ensure, statistics_demo_build

        # After accounts' people (10), before certificates' filed years (60).
        register_demo_loader("credits", credits_demo_ensure, order=30, label="演示学时申报")
        # Last: the statistics of everything loaded before.
        register_demo_loader(
            "credits.statistics", statistics_demo_build, order=90, label="演示统计数据"
        )

        from accounts.selectors import has_approved_person
        from portal.navigation import register_menu_item

        from . import job_kinds  # noqa: F401  (registers the batch review job)

        register_menu_item("我的学时", "credits:overview", has_approved_person, order=21)
        register_menu_item("学时申报记录", "credits:declarations", has_approved_person, order=22)

        from .views.requirements import register_requirement_menu

        register_requirement_menu()

        from orgtree.roles import is_admin, is_hrss_admin, is_institution_admin
        from portal.home import register_waiting_source

        from .views.review import review_waiting

        register_menu_item("学时审核", "credits:review-queue", is_admin, order=55, group="review")
        register_menu_item("统计分析", "credits:statistics", is_admin, order=54, group="reports")
        register_menu_item("待办事项", "credits:todo", is_admin, order=52, group="reports")
        register_waiting_source(review_waiting, order=30)
        from portal.home import register_home_panel

        from .home import person_panel, scope_panel

        register_home_panel(person_panel, order=20)
        register_home_panel(scope_panel, order=40)
        from .views.intake import may_import

        register_menu_item("批量导入", "credits:imports", may_import, order=58, group="people")
        register_menu_item(
            "培训项目", "credits:programmes", is_institution_admin, order=59, group="people"
        )
        from orgtree.roles import is_province_admin

        register_menu_item(
            "夜间核查", "credits:nightly-checks", is_province_admin, order=61, group="reports"
        )
        register_menu_item(
            "注册进度", "credits:registration-progress", is_hrss_admin, order=53, group="reports"
        )
        register_menu_item(
            "抽查审验", "credits:spotchecks", is_hrss_admin, order=56, group="review"
        )
        register_menu_item("失信记录", "credits:sanctions", is_hrss_admin, order=57, group="people")
        register_menu_item(
            "平台接口令牌", "credits:api-tokens", is_hrss_admin, order=60, group="system"
        )
