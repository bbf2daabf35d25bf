from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账户"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orgtree.roles import is_admin
        from portal.navigation import anonymous, register_menu_item

        from .selectors import has_approved_person

        register_menu_item("专业技术人员注册", "accounts:register", anonymous, order=12)
        register_menu_item("我的档案", "accounts:me", has_approved_person, order=20)
        register_menu_item(
            "人员注册审核", "accounts:registrations", is_admin, order=61, group="review"
        )
        register_menu_item("人员目录", "accounts:people", is_admin, order=62, group="people")
        register_menu_item("调动接收", "accounts:transfers", is_admin, order=63, group="review")
        register_menu_item(
            "资料变更审核", "accounts:profile-requests", is_admin, order=64, group="review"
        )

        from portal.demo import register_demo_loader

        from .demo import accounts_demo_load

        # First: every other app's demo data hangs on these organisations and people.
        register_demo_loader("accounts", accounts_demo_load, order=10, label="演示机构与人员")

        from orgtree.people import register_people_counter

        from .selectors import person_counts

        register_people_counter(person_counts)

        from orgtree.calendar import register_person_region

        from .selectors import person_of

        # Whose deadlines a professional sees (办理时间, the home page): their unit's region's.
        register_person_region(
            lambda user: person.unit.region_id if (person := person_of(user)) else None
        )

        from portal.home import register_waiting_source

        from .home import accounts_waiting

        register_waiting_source(accounts_waiting, order=10)
