from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "证书"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from credits.signals import person_years_changed

        from .receivers import on_person_years_changed

        person_years_changed.connect(on_person_years_changed, dispatch_uid="certificates.supersede")

        from credits.certified import register_certified_people

        from .selectors import people_certified

        register_certified_people(people_certified)

        from portal.demo import register_demo_loader

        from .demo import certificates_demo_ensure

        register_demo_loader(
            "certificates", certificates_demo_ensure, order=60, label="演示印章与证书"
        )

        from orgtree.roles import is_admin, is_hrss_admin
        from portal.navigation import register_menu_item

        register_menu_item(
            "电子签章", "certificates:seals", is_hrss_admin, order=59, group="review"
        )

        from accounts.person_links import register_person_link
        from accounts.selectors import has_approved_person

        from .views.issues import person_link_visible

        register_menu_item("电子证书", "certificates:mine", has_approved_person, order=23)
        register_menu_item(
            "证书管理", "certificates:issues", is_admin, order=64, group="certificates"
        )
        register_person_link("打印证书", "certificates:person", person_link_visible)

        from . import job_kinds  # noqa: F401  (registers the batch printing job)

        register_menu_item(
            "批量打印证书", "certificates:batch", is_admin, order=65, group="certificates"
        )
        register_menu_item(
            "批量查询", "certificates:batch-query", is_admin, order=67, group="certificates"
        )
        # Unit, department and HRSS admins alike may look up one person of their scope.
        register_menu_item(
            "证书查询", "certificates:query", is_admin, order=66, group="certificates"
        )

        from portal.home import register_home_panel, register_waiting_source

        from .home import certificates_waiting, latest_certificate_panel

        register_waiting_source(certificates_waiting, order=40)
        register_home_panel(latest_certificate_panel, order=30)
